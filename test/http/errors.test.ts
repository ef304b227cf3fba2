import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_FACES, MemoryError } from '../../src/core/index.js';
import { errorResponse } from '../../src/http/errors.js';
import { useHttpApp } from './app-fixture.js';

const app = useHttpApp();

async function send(method: string, path: string, body?: string) {
  const res = await app.http.app.request(path, {
    method,
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
}

describe('HTTP errors', () => {
  it('answers each error code with the status of the one mapping, and hides the message of a bug', async () => {
    const app = new Hono();
    app.onError((error, c) => errorResponse(c, error));
    app.get('/throw/:code', (c) => {
      throw new MemoryError(c.req.param('code') as (typeof ERROR_CODES)[number], 'the details');
    });
    for (const code of ERROR_CODES) {
      const res = await app.request(`/throw/${code}`);
      expect(res.status, code).toBe(ERROR_FACES[code].http);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toBe(
        code === 'INTERNAL' ? 'an internal error; the server log says more' : 'the details',
      );
    }
  });

  it('names the field of a bad body, a body that is not JSON and a misspelt query parameter', async () => {
    const missing = await send('POST', '/api/episodes', JSON.stringify({ domain: 'web' }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('INVALID_INPUT');
    expect(missing.body.error.message).toMatch(/task/);
    const broken = await send('POST', '/api/episodes', '{"task": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/not JSON/);
    const typo = await send('GET', '/api/episodes?limt=5');
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toMatch(/limt/);
    const range = await send('GET', '/api/episodes?limit=500');
    expect(range.status).toBe(400);
    expect(range.body.error.message).toMatch(/limit/);
  });

  it('answers 409 EPISODE_COMPLETED to a step for a finished episode, and 404 for an unknown one', async () => {
    const started = await app.http.app.request('/api/episodes', {
      method: 'POST',
      body: JSON.stringify({ task: 'Rotate the API keys' }),
    });
    const { episode_id: id } = (await started.json()) as { episode_id: string };
    await app.http.app.request(`/api/episodes/${id}/complete`, {
      method: 'POST',
      body: JSON.stringify({ outcome: 'success', verdict: 'rotated' }),
    });
    const late = await send(
      'POST',
      `/api/episodes/${id}/steps`,
      JSON.stringify({ tool: 'bash', action: 'ls' }),
    );
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('EPISODE_COMPLETED');
    const unknown = await send(
      'POST',
      '/api/episodes/nope/steps',
      JSON.stringify({ tool: 'bash', action: 'ls' }),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('answers JSON for a path with no route and 413 for a body over 4 MiB, storing nothing', async () => {
    const none = await send('GET', '/api/nothing-here');
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(none.body.error.message).toMatch(/openapi\.json/);
    const before = (await app.memory.stats()).episodes;
    const huge = await send('POST', '/api/episodes', JSON.stringify({ task: 'x'.repeat(5 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('LIMIT_EXCEEDED');
    expect((await app.memory.stats()).episodes).toBe(before);
  });
});
