import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpServer, type HttpServerOptions, startHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { tempSqliteDb } from '../backends.js';
import { initialize } from '../mcp/initialize.js';
import { rawClient, requestHead } from './raw-client.js';

let memory: SelfLearningMemory;
beforeAll(async () => {
  memory = await SelfLearningMemory.open({ db: tempSqliteDb(), embeddings: { provider: 'hash' } });
});
afterAll(async () => {
  await memory.close();
});

// Short limits, so that each case takes seconds; Node's defaults would hold these clients for minutes.
const SHORT = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 1_000 };
// A generous bound on "closed soon": the timeout, Node's one-second check, and a busy machine.
const SOON_MS = 8_000;

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

async function serve(options: HttpServerOptions = {}): Promise<{ port: number; logged: string[] }> {
  const logged: string[] = [];
  server = await startHttpServer(memory, { port: 0, ...SHORT, ...options, log: (m) => logged.push(m) });
  return { port: Number(new URL(server.url).port), logged };
}

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > SOON_MS) throw new Error('waited too long');
    await sleep(20);
  }
}

describe('slow clients', () => {
  it('closes a client that sends its headers a byte at a time, with 408 and one log line', async () => {
    const { port, logged } = await serve();
    const client = await rawClient(port);
    client.drip(`GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${'X-Slow: y\r\n'.repeat(100)}`);
    const { text, afterMs } = await client.closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeLessThan(SOON_MS);
    expect(logged).toEqual([
      'slmem: a connection from 127.0.0.1 closed: its request headers did not arrive within 1 s (408)',
    ]);
  });

  it('closes a client that sends its body a byte at a time, and logs the route in one line', async () => {
    const { port, logged } = await serve();
    const errors = vi.spyOn(console, 'error');
    const client = await rawClient(port);
    client.socket.write(
      requestHead('POST', '/api/episodes?x=1', port, [
        'Content-Type: application/json',
        'Content-Length: 1000',
      ]),
    );
    client.drip(`{"task": "${'a'.repeat(990)}"}`);
    const { text, afterMs } = await client.closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeLessThan(SOON_MS);
    await until(() => logged.length > 0);
    await sleep(200);
    expect(logged).toEqual([
      'slmem: POST /api/episodes from 127.0.0.1 aborted: the whole request did not arrive within 2 s (408)',
    ]);
    // The failed body read is not logged again as a bug, stack and all.
    expect(errors).not.toHaveBeenCalled();
  });

  it('logs a client that goes away mid-body in one line, on the API and on /mcp', async () => {
    const { port, logged } = await serve();
    const errors = vi.spyOn(console, 'error');
    for (const path of ['/api/episodes', '/mcp']) {
      const client = await rawClient(port);
      client.socket.write(
        `${requestHead('POST', path, port, ['Content-Type: application/json', 'Content-Length: 1000'])}{"ta`,
      );
      await sleep(100);
      client.socket.destroy();
      await until(() => logged.some((line) => line.includes(path)));
    }
    await sleep(200);
    expect(logged).toEqual([
      'slmem: POST /api/episodes from 127.0.0.1 aborted: the client closed the connection before the whole body arrived',
      'slmem: POST /mcp from 127.0.0.1 aborted: the client closed the connection before the whole body arrived',
    ]);
    expect(errors).not.toHaveBeenCalled();
  });

  it('closes an idle kept-alive connection quietly, and one that never sent a byte', async () => {
    const { port, logged } = await serve();
    const kept = await rawClient(port);
    kept.socket.write(requestHead('GET', '/health', port));
    await kept.waitFor('"status":"ok"');
    const silent = await rawClient(port);
    // Under Node's default of 5 s: the option took effect.
    expect((await kept.closed).afterMs).toBeLessThan(4_500);
    expect((await silent.closed).afterMs).toBeLessThan(SOON_MS);
    expect(logged).toEqual([]);
  });

  it("keeps MCP's SSE stream open past the request timeout: the request arrived whole", async () => {
    const { port, logged } = await serve();
    const initialized = await initialize(`http://127.0.0.1:${port}/mcp`);
    const session = initialized.headers.get('mcp-session-id') ?? '';
    await initialized.text();
    const stream = await rawClient(port);
    stream.socket.write(
      requestHead('GET', '/mcp', port, [
        'Accept: text/event-stream',
        `Mcp-Session-Id: ${session}`,
        'Mcp-Protocol-Version: 2025-06-18',
      ]),
    );
    await stream.waitFor('text/event-stream');
    // A body dripper started alongside is cut by the same timeout the stream outlives.
    const dripper = await rawClient(port);
    dripper.socket.write(requestHead('POST', '/api/episodes', port, ['Content-Length: 100']));
    dripper.drip('x'.repeat(100), 200);
    await dripper.closed;
    await sleep(1_500);
    expect(stream.socket.destroyed).toBe(false);
    expect(stream.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(logged).toHaveLength(1);
    stream.socket.destroy();
  });

  it('refuses limits that cannot work, naming the option', async () => {
    await expect(
      startHttpServer(memory, { port: 0, headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }),
    ).rejects.toThrow(/headersTimeoutMs must not exceed requestTimeoutMs/);
    await expect(startHttpServer(memory, { port: 0, keepAliveTimeoutMs: 0.5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/keepAliveTimeoutMs/),
    });
    await expect(startHttpServer(memory, { port: 0, maxClientConnections: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/maxClientConnections/),
    });
  });
});
