import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, startHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { tempSqliteDb } from '../backends.js';

const TOKEN = 'server-token-0123456789abcdef';
const TEAM_A = 'team-a-token-0123456789abcdef';
const TEAM_B = 'team-b-token-0123456789abcdef';

let memory: SelfLearningMemory;
const opened: SelfLearningMemory[] = [];
let db: string;
beforeAll(async () => {
  db = tempSqliteDb();
  memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
});
afterAll(async () => {
  await memory.close();
});

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

describe('who may call the HTTP API', () => {
  it('with a token: 401 without it on /api, /metrics and /mcp; the page, /health and /openapi.json stay open', async () => {
    const { app, close } = createHttpApp(memory, { token: TOKEN });
    try {
      for (const path of ['/api/episodes', '/metrics', '/api/stats']) {
        const res = await app.request(path);
        expect(res.status, path).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
        expect((await app.request(path, { headers: bearer('wrong-token-0123456789') })).status).toBe(401);
        expect((await app.request(path, { headers: bearer(TOKEN) })).status, path).toBe(200);
      }
      expect((await app.request('/mcp', { method: 'POST', body: '{}' })).status).toBe(401);
      for (const path of ['/', '/health', '/openapi.json'])
        expect((await app.request(path)).status, path).toBe(200);
    } finally {
      await close();
    }
  });

  it('binds a namespace token to its namespace: each client sees only its own episodes', async () => {
    const { app, close } = createHttpApp(memory, {
      token: TOKEN,
      namespaceTokens: [
        { namespace: 'team-a', token: TEAM_A },
        { namespace: 'team-b', token: TEAM_B },
      ],
      memoryFor: async (namespace) => {
        const m = await SelfLearningMemory.open({ db, namespace, embeddings: { provider: 'hash' } });
        opened.push(m);
        return m;
      },
    });
    try {
      const start = (token: string, task: string) =>
        app.request('/api/episodes', {
          method: 'POST',
          headers: bearer(token),
          body: JSON.stringify({ task }),
        });
      expect((await start(TEAM_A, 'Deploy team A service')).status).toBe(201);
      expect((await start(TEAM_B, 'Deploy team B service')).status).toBe(201);
      const tasks = async (token: string) =>
        (
          (await (await app.request('/api/episodes', { headers: bearer(token) })).json()) as {
            episodes: Array<{ task: string }>;
          }
        ).episodes.map((e) => e.task);
      expect(await tasks(TEAM_A)).toEqual(['Deploy team A service']);
      expect(await tasks(TEAM_B)).toEqual(['Deploy team B service']);
      expect(await tasks(TOKEN)).toEqual([]);
      // Every namespace's counts are the operator's: a namespace token does not read /metrics.
      const theirs = await app.request('/metrics', { headers: bearer(TEAM_B) });
      expect(theirs.status).toBe(403);
      expect(await theirs.text()).not.toContain('team-a');
      const operator = await (await app.request('/metrics', { headers: bearer(TOKEN) })).text();
      expect(operator).toContain('slmem_episodes{namespace="team-a"} 1');
    } finally {
      await close();
    }
    // The server closes the memories it opened for namespaces, not the one it was given.
    await expect(opened[0]?.stats()).rejects.toThrow();
    expect((await memory.stats()).episodes).toBe(0);
  });

  it('on loopback, refuses a foreign Host (DNS rebinding) and a foreign Origin, over a real socket', async () => {
    const server = await startHttpServer(memory, { port: 0 });
    try {
      const port = Number(new URL(server.url).port);
      const status = (headers: Record<string, string>) =>
        new Promise<number | undefined>((done, fail) => {
          const req = request({ host: '127.0.0.1', port, path: '/api/stats', headers }, (res) => {
            res.resume();
            done(res.statusCode);
          });
          req.on('error', fail);
          req.end();
        });
      expect(await status({ host: `127.0.0.1:${port}` })).toBe(200);
      expect(await status({ host: `localhost:${port}` })).toBe(200);
      expect(await status({ host: 'evil.example:80' })).toBe(403);
      expect(await status({ host: `127.0.0.1:${port}`, origin: 'https://evil.example' })).toBe(403);
      expect(await status({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` })).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses to listen beyond loopback without a token, a namespace token that is the server token, a busy port', async () => {
    await expect(startHttpServer(memory, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/SLMEM_TOKEN/);
    await expect(
      startHttpServer(memory, {
        port: 0,
        token: TOKEN,
        namespaceTokens: [{ namespace: 'team-a', token: TOKEN }],
        memoryFor: async () => memory,
      }),
    ).rejects.toThrow(/team-a.*also the server token/);
    const first = await startHttpServer(memory, { port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startHttpServer(memory, { port })).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      await first.close();
    }
  });
});
