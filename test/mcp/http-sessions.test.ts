import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, TextContent } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { checkHttpExposure, startMcpHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { slmem } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-mcp-sessions-'));
let memory: SelfLearningMemory;
beforeAll(async () => {
  memory = await SelfLearningMemory.open({ db: join(dir, 'memory.db'), embeddings: { provider: 'hash' } });
});
afterAll(async () => {
  await memory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A client that stays connected, as an agent that never ends its session would. */
async function open(url: string): Promise<Client> {
  const client = new Client({ name: 'session-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

async function stillServed(client: Client): Promise<boolean> {
  try {
    await client.listTools();
    return true;
  } catch {
    return false;
  }
}

/** POSTs an initialize with the given Origin (node:http, since fetch forbids setting it). */
function initializeWithOrigin(url: string, origin: string | undefined): Promise<number | undefined> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'o', version: '0' } },
  });
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(origin === undefined ? {} : { origin }),
        },
      },
      (res) => {
        res.resume();
        done(res.statusCode);
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('MCP over HTTP: sessions', () => {
  it('closes a session left idle past the timeout', async () => {
    const http = await startMcpHttpServer(memory, { port: 0, idleTimeoutMs: 1_500 });
    const client = await open(http.url);
    try {
      expect(await stillServed(client)).toBe(true);
      await sleep(3_500);
      // The session is gone: the server answers 404 "session not found".
      await expect(client.listTools()).rejects.toThrow(/session not found|404/i);
    } finally {
      await client.close().catch(() => {});
      await http.close();
    }
  });

  it('at the cap, gives the least recently used idle session to a new client instead of refusing', async () => {
    const http = await startMcpHttpServer(memory, { port: 0, maxSessions: 2 });
    const clients: Client[] = [];
    try {
      const first = await open(http.url);
      const second = await open(http.url);
      clients.push(first, second);
      // The first is used again: the second becomes the least recently used.
      expect(await stillServed(first)).toBe(true);
      const third = await open(http.url);
      clients.push(third);
      expect(await stillServed(third)).toBe(true);
      expect(await stillServed(first)).toBe(true);
      expect(await stillServed(second)).toBe(false);
    } finally {
      for (const client of clients) await client.close().catch(() => {});
      await http.close();
    }
  });
});

describe('MCP over HTTP: tool errors', () => {
  it('answers invalid arguments with an isError result and an unknown tool with -32602, prefixed once', async () => {
    const http = await startMcpHttpServer(memory, { port: 0 });
    const client = await open(http.url);
    try {
      const invalid = (await client.callTool({
        name: 'list_episodes',
        arguments: { limit: 'ten' },
      })) as CallToolResult;
      expect(invalid.isError).toBe(true);
      expect((invalid.content[0] as TextContent).text).toMatch(
        /^INVALID_INPUT: invalid arguments for list_episodes: .*limit/,
      );
      const unknown = await client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => e);
      expect(unknown).toMatchObject({
        code: -32602,
        message: 'MCP error -32602: unknown tool "nope" (see tools/list)',
      });
    } finally {
      await client.close();
      await http.close();
    }
  });
});

describe('MCP over HTTP: token and Origin', () => {
  it('refuses a token shorter than 16 characters, at start-up and from the CLI', async () => {
    expect(() => checkHttpExposure({ host: '127.0.0.1', token: 'x' })).toThrow(MemoryError);
    expect(() => checkHttpExposure({ host: '0.0.0.0', token: 'fifteen-chars-x' })).toThrow(/16 at least/);
    await expect(startMcpHttpServer(memory, { port: 0, token: 'short' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const cli = await slmem(['--db', join(dir, 'cli.db'), 'mcp', '--http', '--port', '0', '--token', 'x']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/token has 1 characters; use 16 at least/);
  });

  it('answers 403 to a foreign Origin on loopback and serves its own', async () => {
    const http = await startMcpHttpServer(memory, { port: 0 });
    try {
      const { port } = new URL(http.url);
      for (const origin of [
        'https://evil.example',
        `http://evil.example:${port}`,
        'http://localhost:1',
        'null',
      ])
        expect(await initializeWithOrigin(http.url, origin)).toBe(403);
      for (const origin of [
        undefined,
        `http://localhost:${port}`,
        `http://127.0.0.1:${port}`,
        `http://[::1]:${port}`,
      ])
        expect(await initializeWithOrigin(http.url, origin)).toBe(200);
    } finally {
      await http.close();
    }
  });
});
