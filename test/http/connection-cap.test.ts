import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/http/guard.js';
import { type HttpServer, type HttpServerOptions, startHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { tempSqliteDb } from '../backends.js';
import { type RawClient, rawClient, requestHead } from './raw-client.js';

let memory: SelfLearningMemory;
beforeAll(async () => {
  memory = await SelfLearningMemory.open({ db: tempSqliteDb(), embeddings: { provider: 'hash' } });
});
afterAll(async () => {
  await memory.close();
});

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: HttpServerOptions): Promise<{ port: number; logged: string[] }> {
  const logged: string[] = [];
  server = await startHttpServer(memory, { port: 0, ...options, log: (m) => logged.push(m) });
  return { port: Number(new URL(server.url).port), logged };
}

/** Sends GET /health on a kept-alive connection and resolves once the answer is in. */
async function health(client: RawClient, port: number): Promise<void> {
  const before = client.received().length;
  client.socket.write(requestHead('GET', '/health', port));
  while (!client.received().slice(before).includes('"status":"ok"')) {
    if (client.socket.destroyed) throw new Error(`closed: ${client.received()}`);
    await sleep(10);
  }
}

/** A connection that gets in: the server may take a moment to count a closed one out. */
async function admitted(port: number): Promise<RawClient> {
  for (let tries = 0; ; tries++) {
    const client = await rawClient(port);
    try {
      await health(client, port);
      return client;
    } catch (error) {
      if (tries > 100) throw error;
      await sleep(20);
    }
  }
}

describe('connections per client address', () => {
  it('answers the one over the cap with 429 and closes it, while the others keep working', async () => {
    const { port, logged } = await serve({ maxClientConnections: 3 });
    const held = await Promise.all([1, 2, 3].map(() => rawClient(port)));
    for (const client of held) await health(client, port);
    const refused = await rawClient(port);
    refused.socket.write(requestHead('GET', '/health', port));
    const { text } = await refused.closed;
    expect(text).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
    expect(text).toMatch(/\r\nRetry-After: \d+\r\n/);
    expect(text).toMatch(/\r\nConnection: close\r\n/);
    expect(text).toContain('holds 3 connections');
    // Its request never reached the app.
    expect(text).not.toContain('"status":"ok"');
    for (const client of held) await health(client, port);
    expect(logged).toEqual([
      'slmem: 127.0.0.1 reached the cap of 3 open connections per client; refusing more (429)',
    ]);
    for (const client of held) client.socket.destroy();
  });

  it('frees a slot when a connection closes, and counts none twice', async () => {
    const { port } = await serve({ maxClientConnections: 2 });
    const first = await admitted(port);
    const second = await admitted(port);
    first.socket.destroy();
    const third = await admitted(port);
    expect((await (await rawClient(port)).closed).text).toMatch(/^HTTP\/1\.1 429 /);
    second.socket.destroy();
    third.socket.destroy();
    // Every slot is back: two at once get in again.
    const again = [await admitted(port), await admitted(port)];
    for (const client of again) client.socket.destroy();
  });

  it('counts an IPv4 client of a dual-stack socket by its IPv4 address', async () => {
    expect(clientAddress({ remoteAddress: '::ffff:10.0.0.7' })).toBe('10.0.0.7');
    expect(clientAddress({ remoteAddress: '::1' })).toBe('::1');
    expect(clientAddress({ remoteAddress: '::ffff:abcd' })).toBe('::ffff:abcd');
    const { port, logged } = await serve({
      host: '::',
      token: 'dual-stack-token-0123456789',
      maxClientConnections: 1,
    });
    const v4 = await admitted(port);
    expect((await (await rawClient(port)).closed).text).toMatch(/^HTTP\/1\.1 429 /);
    // ::1 is another address, with its own slot.
    const v6 = await rawClient(port, '::1');
    await health(v6, port);
    expect(logged).toEqual([
      'slmem: 127.0.0.1 reached the cap of 1 open connections per client; refusing more (429)',
    ]);
    v4.socket.destroy();
    v6.socket.destroy();
  });

  it('serves an MCP client, its SSE stream open, under a small cap', async () => {
    const { port } = await serve({ maxClientConnections: 4 });
    const methods: string[] = [];
    const observed: typeof fetch = (url, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(url, init);
    };
    const client = new Client({ name: 'cap-test', version: '0.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { fetch: observed }),
    );
    try {
      for (let i = 0; i < 5; i++) {
        const result = await client.callTool({ name: 'start_episode', arguments: { task: `Task ${i}` } });
        expect(result.isError).toBeFalsy();
      }
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      // The client opened the GET stream for notifications, which holds a connection all along.
      expect(methods).toContain('GET');
    } finally {
      await client.close();
    }
  });
});
