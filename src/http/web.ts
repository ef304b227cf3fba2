import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { AppEnv } from './context.js';

/** The page's files, beside `src/` and `dist/` at the package root: the same depth from both. */
const WEB_DIR = new URL('../../web/', import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
};

/**
 * Everything the page needs comes from this server (no CDN, no inline script): the policy lets a browser run
 * nothing else, and the page cannot be framed by another site. `nosniff` is the app's, on every response.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

interface WebFile {
  body: Uint8Array;
  type: string;
  etag: string;
}

/**
 * Serves the web page: `/` is `web/index.html`, `/assets/<name>` the other files of `web/`. The files are read
 * once, at start; an ETag lets a browser keep them until the package changes.
 */
export function mountWeb(app: Hono<AppEnv>): void {
  const files = loadFiles();
  const send = (name: string, ifNoneMatch: string | undefined): Response => {
    const file = files.get(name);
    if (!file) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    const headers = {
      ...SECURITY_HEADERS,
      etag: file.etag,
      'cache-control': 'no-cache',
      'content-type': file.type,
    };
    if (ifNoneMatch === file.etag) return new Response(null, { status: 304, headers });
    return new Response(file.body, { status: 200, headers });
  };
  app.get('/', (c) => send('index.html', c.req.header('if-none-match')));
  app.get('/assets/:name', (c) => send(c.req.param('name'), c.req.header('if-none-match')));
}

function loadFiles(): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  for (const entry of readdirSync(WEB_DIR, { withFileTypes: true })) {
    const type = TYPES[entry.name.split('.').pop() ?? ''];
    if (!entry.isFile() || !type) continue;
    const body = readFileSync(new URL(entry.name, WEB_DIR));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(entry.name, { body, type, etag });
  }
  return files;
}
