import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { checkHttpExposure, isLoopbackHost, startMcpHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, testBackends } from '../backends.js';

let memory: SelfLearningMemory;
afterAll(dropSchemas);

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '0' } },
};

function post(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(INITIALIZE),
  });
}

function statusWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      { method: 'POST', headers: { host, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        done(res.statusCode);
      },
    );
    req.on('error', fail);
    req.end('{}');
  });
}

async function startEpisodeOver(url: string, headers: Record<string, string> = {}): Promise<CallToolResult> {
  const client = new Client({ name: 'http-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  try {
    return (await client.callTool({
      name: 'start_episode',
      arguments: { task: 'Rotate the API keys' },
    })) as CallToolResult;
  } finally {
    await client.close();
  }
}

describe.each(testBackends())('slmem mcp over Streamable HTTP on $name', ({ db }) => {
  beforeAll(async () => {
    memory = await SelfLearningMemory.open({ db: db(), embeddings: { provider: 'hash' } });
  });
  afterAll(async () => {
    await memory.close();
  });

  it('serves on loopback without a token', async () => {
    const http = await startMcpHttpServer(memory, { port: 0 });
    try {
      expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const result = await startEpisodeOver(http.url);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toHaveProperty('episode_id');
    } finally {
      await http.close();
    }
  });

  it('answers 401 without the right token and serves with it', async () => {
    const http = await startMcpHttpServer(memory, { port: 0, token: 's3cret-token-of-32-characters-xx' });
    try {
      const missing = await post(http.url);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect(await missing.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect((await post(http.url, { authorization: 'Bearer wrong' })).status).toBe(401);
      await expect(startEpisodeOver(http.url)).rejects.toThrow();

      const result = await startEpisodeOver(http.url, {
        authorization: 'Bearer s3cret-token-of-32-characters-xx',
      });
      expect(result.structuredContent).toHaveProperty('episode_id');
    } finally {
      await http.close();
    }
  });

  it('refuses a request that names no session, and a Host that is not loopback', async () => {
    const http = await startMcpHttpServer(memory, { port: 0 });
    try {
      const call = await fetch(http.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(call.status).toBe(400);
      // fetch may not set Host, node:http may.
      const { port } = new URL(http.url);
      expect(await statusWithHost(http.url, `evil.example:${port}`)).toBe(403);
      expect(await statusWithHost(http.url, `localhost:${port}`)).toBe(400);
    } finally {
      await http.close();
    }
  });

  it('requires a token to listen beyond loopback', async () => {
    expect(() => checkHttpExposure({ host: '0.0.0.0' })).toThrow(MemoryError);
    expect(() => checkHttpExposure({ host: '0.0.0.0' })).toThrow(/SLMEM_TOKEN/);
    expect(() => checkHttpExposure({ host: '192.168.1.20', token: '' })).toThrow(MemoryError);
    expect(() => checkHttpExposure({ host: '0.0.0.0', token: 'a'.repeat(16) })).not.toThrow();
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(() => checkHttpExposure({ host })).not.toThrow();
    }
    // startMcpHttpServer decides before it binds anything.
    await expect(startMcpHttpServer(memory, { host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
