import { describe, expect, it } from 'vitest';
import { useHttpApp } from './app-fixture.js';

const app = useHttpApp();

interface Operation {
  parameters?: Array<{ name: string; in: string; required: boolean; schema: { type?: string } }>;
  requestBody?: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
  responses: Record<string, unknown>;
}

describe('the OpenAPI description', () => {
  it('lists every route with the parameters and body fields the server accepts', async () => {
    const doc = (await (await app.http.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of app.http.routes) {
      const op = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(op?.responses ?? {})).toContain(String(route.status));
      const query = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(query.sort()).toEqual(Object.keys(route.query?.shape ?? {}).sort());
      const body = op?.requestBody?.content['application/json'].schema.properties ?? {};
      expect(Object.keys(body).sort()).toEqual(Object.keys(route.body?.shape ?? {}).sort());
    }
    const list = doc.paths['/api/episodes']?.get?.parameters ?? [];
    expect(list.find((p) => p.name === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer' },
    });
    expect(doc.paths['/api/episodes']?.post?.requestBody).toBeDefined();
  });
});

describe('the web page', () => {
  it('serves the page and its files with their types, a strict content policy and ETags', async () => {
    const page = await app.http.app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    // Every script and style the page names is served here: nothing from another host.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.filter((a) => /^(https?:)?\/\//.test(a))).toEqual([]);
    for (const asset of assets.filter((a) => a.startsWith('/assets/'))) {
      const res = await app.http.app.request(asset);
      expect(res.status, asset).toBe(200);
      const etag = res.headers.get('etag') ?? '';
      expect((await app.http.app.request(asset, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    const js = await app.http.app.request(assets.find((a) => a.endsWith('.js')) ?? '');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await app.http.app.request('/assets/missing.js')).status).toBe(404);
  });
});

describe('nosniff', () => {
  it('tells browsers not to guess the type of any answer: API, errors, OpenAPI, MCP, metrics, health, page', async () => {
    const asked: Array<[string, RequestInit?, number?]> = [
      ['/api/episodes'],
      ['/api/episodes/no-such-episode', {}, 404],
      ['/api/episodes', { method: 'POST', body: '{' }, 400],
      ['/api/nowhere', {}, 404],
      ['/openapi.json'],
      ['/mcp', { method: 'POST', body: '{}' }, 400],
      ['/metrics'],
      ['/health'],
      ['/'],
      ['/assets/missing.js', {}, 404],
    ];
    for (const [path, init, status] of asked) {
      const res = await app.http.app.request(path, init);
      expect(res.status, path).toBe(status ?? 200);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});
