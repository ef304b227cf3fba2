import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpServer, type HttpServerOptions, startHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { tempSqliteDb } from '../backends.js';
import { rawClient, requestHead } from './raw-client.js';

let memory: SelfLearningMemory;
beforeAll(async () => {
  memory = await SelfLearningMemory.open({ db: tempSqliteDb(), embeddings: { provider: 'hash' } });
});
afterAll(async () => {
  await memory.close();
});

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
  server = await startHttpServer(memory, { port: 0, ...options, log: (m) => logged.push(m) });
  return { port: Number(new URL(server.url).port), logged };
}

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > SOON_MS) throw new Error('waited too long');
    await sleep(20);
  }
}

describe('clients that go away', () => {
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
});
