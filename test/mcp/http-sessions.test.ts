import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, TextContent } from '@modelcontextprotocol/sdk/types.js';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { checkHttpExposure, startHttpServer, startMcpHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { slmem } from '../cli/run-cli.js';
import { initialize } from './initialize.js';

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
async function open(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'session-test', version: '0.0.0' });
  const requestInit = token ? { headers: { authorization: `Bearer ${token}` } } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit }));
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

describe('MCP over HTTP: sessions per namespace', () => {
  const ALPHA = 'alpha-token-0123456789';
  const BETA = 'beta-token-01234567890';

  it("caps each token's sessions on its own: one cannot push another's off, and is told 429 when all of its own are busy", async () => {
    const db = join(dir, 'namespaces.db');
    const opened: SelfLearningMemory[] = [];
    const http = await startHttpServer(memory, {
      port: 0,
      api: false,
      maxSessions: 2,
      token: 'server-token-0123456789',
      namespaceTokens: [
        { namespace: 'alpha', token: ALPHA },
        { namespace: 'beta', token: BETA },
      ],
      memoryFor: async (namespace) => {
        const m = await SelfLearningMemory.open({ db, namespace, embeddings: false });
        opened.push(m);
        return m;
      },
    });
    const clients: Client[] = [];
    const lock = new Database(db);
    try {
      const beta = await open(http.mcpUrl, BETA);
      clients.push(beta);
      const alphas: Client[] = [];
      for (let i = 0; i < 6; i++) alphas.push(await open(http.mcpUrl, ALPHA));
      clients.push(...alphas);
      // Alpha's new sessions replaced alpha's own idle ones, never beta's.
      expect(await stillServed(beta)).toBe(true);
      expect(await Promise.all(alphas.map(stillServed))).toEqual([false, false, false, false, true, true]);

      // Both of alpha's sessions wait on a write (another connection holds the file's write lock): busy.
      lock.exec('BEGIN IMMEDIATE');
      const waiting = alphas
        .slice(4)
        .map((a) => a.callTool({ name: 'start_episode', arguments: { task: 'wait' } }));
      // The calls must have reached the server (a session is busy from its request's arrival) before alpha asks.
      await sleep(1_500);
      const refused = await initialize(http.mcpUrl, { authorization: `Bearer ${ALPHA}` });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toMatchObject({
        error: { message: expect.stringMatching(/2 MCP sessions open, all busy/) },
      });
      // Beta is below its own cap and still gets a session meanwhile.
      const beta2 = await open(http.mcpUrl, BETA);
      clients.push(beta2);
      lock.exec('COMMIT');
      for (const result of await Promise.all(waiting)) expect((result as CallToolResult).isError).toBeFalsy();
      expect(await stillServed(beta)).toBe(true);
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
      for (const client of clients) await client.close().catch(() => {});
      await http.close();
      for (const m of opened) await m.close();
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
