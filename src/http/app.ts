import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { MemoryError } from '../core/index.js';
import type { SessionTable } from '../mcp/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import type { AppEnv } from './context.js';
import { errorResponse, httpError } from './errors.js';
import { Grants, refusal } from './guard.js';
import { MCP_PATH, mountMcp } from './mcp.js';
import { memoryGauges } from './memory-gauges.js';
import { HttpMetrics, metricsMiddleware } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';
import { type Route, registerRoutes } from './route.js';
import { adviceRoutes } from './routes/advice.js';
import { episodeRoutes } from './routes/episodes.js';
import { knowledgeRoutes } from './routes/knowledge.js';
import { health, overviewRoutes } from './routes/overview.js';
import { mountWeb } from './web.js';

export interface HttpAppOptions {
  /**
   * Where the server listens. On a loopback host, requests must name a loopback Host and come from no Origin or
   * this server's own (the port is read per request: it is known once the server listens).
   */
  listening?: () => { host: string; port: number };
  /** When set, every request but the page, `/health` and `/openapi.json` must carry `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * Tokens bound to namespaces: a client sending one reads and writes only that namespace, through the memory
   * `memoryFor` opens for it (once per namespace; `close()` closes those).
   */
  namespaceTokens?: ReadonlyArray<{ namespace: string; token: string }>;
  memoryFor?: (namespace: string) => Promise<SelfLearningMemory>;
  /**
   * Open MCP sessions per token's namespace (default 100): at its cap a new client takes the place of that
   * namespace's least recently used idle session, never another's; when all of them are busy it gets 429.
   */
  maxSessions?: number;
  /** An MCP session with no request for this long is closed (default 30 minutes). */
  idleTimeoutMs?: number;
  /** The REST API, the page, `/metrics` and `/openapi.json` beside `/mcp` (default true); false serves MCP alone. */
  api?: boolean;
}

export interface HttpApp {
  app: Hono<AppEnv>;
  /** The REST routes, as the OpenAPI description lists them. */
  routes: readonly Route[];
  /** Closes the MCP sessions and the namespaces' memories (not the memory given). */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The whole HTTP face as one Hono app over one open memory: the REST API under `/api`, MCP at `/mcp`, the web
 * page at `/`, `/metrics`, `/openapi.json` and `/health`. `startHttpServer` serves it; tests call `app.request`.
 *
 * @example
 * const { app, close } = createHttpApp(memory);
 * const res = await app.request('/api/episodes?outcome=failure');
 */
export function createHttpApp(memory: SelfLearningMemory, options: HttpAppOptions = {}): HttpApp {
  const bound = options.namespaceTokens ?? [];
  if (bound.length > 0 && !options.memoryFor)
    throw new MemoryError(
      'INVALID_INPUT',
      "namespaceTokens need memoryFor, which opens a namespace's memory",
    );
  const grants = new Grants(options.token, bound);
  const opened = new Map<string, Promise<SelfLearningMemory>>();
  const memoryOf = (namespace: string | null): Promise<SelfLearningMemory> => {
    if (namespace === null || !options.memoryFor) return Promise.resolve(memory);
    let found = opened.get(namespace);
    if (!found) {
      found = options.memoryFor(namespace);
      opened.set(namespace, found);
      found.catch(() => opened.delete(namespace));
    }
    return found;
  };
  const api = options.api ?? true;
  // Only the API serves /metrics: without it nothing would read what the metrics watch.
  const metrics = api ? new HttpMetrics() : undefined;
  const app = new Hono<AppEnv>();
  app.onError((error, c) => errorResponse(c, error));
  app.notFound((c) =>
    httpError(
      c,
      404,
      'NOT_FOUND',
      `no route for ${c.req.method} ${c.req.path}; the API is described at /openapi.json`,
    ),
  );
  // Every answer, the page's and the API's: a browser must not guess a JSON body or an error into a script or HTML.
  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
  });
  if (metrics) app.use('*', metricsMiddleware(metrics));
  app.use('*', async (c, next) => {
    const listening = options.listening?.();
    const why =
      listening &&
      refusal(listening, {
        host: c.req.header('host') ?? new URL(c.req.url).host,
        origin: c.req.header('origin'),
      });
    if (why) return httpError(c, 403, 'FORBIDDEN', why);
    return next();
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.req.path === MCP_PATH
          ? c.json(
              {
                jsonrpc: '2.0',
                error: { code: -32600, message: `the request body is over ${MAX_BODY_BYTES} bytes` },
                id: null,
              },
              413,
            )
          : httpError(c, 413, 'LIMIT_EXCEEDED', `the request body is over ${MAX_BODY_BYTES} bytes`),
    }),
  );
  // The page, /health and /openapi.json say nothing about the memory; the rest needs the token when there is one.
  const guarded = createMiddleware<AppEnv>(async (c, next) => {
    const grant = grants.authorize(c.req.header('authorization'));
    if (!grant)
      return httpError(c, 401, 'UNAUTHORIZED', 'send "Authorization: Bearer <token>" with the server token');
    c.set('namespace', grant.namespace);
    c.set('memory', await memoryOf(grant.namespace));
    return next();
  });
  app.use(MCP_PATH, guarded);
  app.get('/health', (c) => c.json({ ...health, backend: memory.backend }));
  const sessions: SessionTable = mountMcp(app, {
    maxSessions: options.maxSessions ?? 100,
    idleTimeoutMs: options.idleTimeoutMs ?? 30 * 60_000,
  });
  const routes = api
    ? [...episodeRoutes(), ...adviceRoutes(), ...knowledgeRoutes(), ...overviewRoutes()]
    : [];
  if (api) {
    app.use('/api/*', guarded);
    app.use('/metrics', guarded);
    registerRoutes(app, routes);
    const document = openApiDocument(routes);
    app.get('/openapi.json', (c) => c.json(document));
    app.get('/metrics', async (c) => {
      // The counts of every namespace are the operator's to see, not a namespace client's.
      if (c.get('namespace') !== null)
        return httpError(c, 403, 'FORBIDDEN', '/metrics needs the server token, not a namespace token');
      const memories = [memory, ...(await settled(opened.values()))];
      return c.body((metrics as HttpMetrics).render(await memoryGauges(memories)), 200, {
        'content-type': PROMETHEUS_CONTENT_TYPE,
      });
    });
    mountWeb(app);
  }
  return {
    app,
    routes,
    async close() {
      metrics?.close();
      await sessions.close();
      for (const m of await settled(opened.values())) await m.close();
    },
  };
}

async function settled<T>(promises: Iterable<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}
