import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { EventLoopWatch } from './event-loop.js';
import { type MemoryGauges, renderMemoryGauges, renderProcessGauges } from './memory-gauges.js';
import { CounterVec, formatFamily, HistogramVec } from './prometheus.js';

/** 0.1 ms to 5 s: a cached retrieve answers in well under a millisecond, a cold playbook at 10k in tens of ms. */
export const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

// Methods outside this set get one label, so a client inventing methods cannot grow the series.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Request counts and latencies by method, route PATTERN (`/api/episodes/:id`, never the raw path, so ids do not
 * multiply the series) and status, rendered with the memories' gauges in the Prometheus text format.
 *
 * @example
 * const metrics = new HttpMetrics();
 * app.use('*', metricsMiddleware(metrics));
 * app.get('/metrics', async (c) =>
 *   c.body(metrics.render(await memoryGauges([memory])), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }));
 */
export class HttpMetrics {
  readonly #requests = new CounterVec(['method', 'route', 'status']);
  readonly #durations = new HistogramVec(['method', 'route'], DURATION_BUCKETS);
  readonly #loop = new EventLoopWatch();

  /** Stops watching the event loop. */
  close(): void {
    this.#loop.close();
  }

  observe(req: { method: string; route: string; status: number; seconds: number }): void {
    const method = METHODS.has(req.method.toUpperCase()) ? req.method.toUpperCase() : 'OTHER';
    this.#requests.inc({ method, route: req.route, status: String(req.status) });
    this.#durations.observe({ method, route: req.route }, req.seconds);
  }

  /** Every family: the requests, then the memories' gauges, then the process's. */
  render(memory: MemoryGauges): string {
    return [
      formatFamily(
        'slmem_http_requests_total',
        'counter',
        'HTTP requests by method, route pattern and status.',
        this.#requests.samples(),
      ),
      formatFamily(
        'slmem_http_request_duration_seconds',
        'histogram',
        'HTTP request latency in seconds by method and route pattern.',
        this.#durations.samples(),
      ),
      renderMemoryGauges(memory),
      renderProcessGauges(),
      formatFamily(
        'slmem_eventloop_delay_seconds',
        'histogram',
        'How late the event loop ran a 10 ms timer, in seconds: what any request waits before its turn.',
        this.#loop.delays.samples(),
      ),
    ].join('');
  }
}

/**
 * The route label of a finished request, from the routes Hono matched and the one that answered: the first
 * endpoint (a path without `*`) from the responder on, so a 401 from an `/api/*` guard still counts against
 * `/api/episodes/:id`; "unmatched" when no endpoint matched (the not-found handler answered, or a `*` guard
 * refused the request).
 */
export function routeLabel(
  paths: readonly string[],
  responder: number,
  self: number,
  status: number,
): string {
  const endpoint = paths.slice(responder).find((path) => !path.endsWith('*'));
  if (endpoint !== undefined) return endpoint;
  if (responder === self || status === 404 || paths[responder] === '*') return 'unmatched';
  return paths[responder] ?? 'unmatched';
}

/**
 * Times every request and observes it once the response is ready; register it first (`app.use('*', …)`) so
 * requests refused by later middleware count too.
 */
export function metricsMiddleware(metrics: HttpMetrics): MiddlewareHandler {
  return async (c, next) => {
    const self = c.req.routeIndex;
    const started = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      const paths = matchedRoutes(c).map((r) => r.path);
      const route = routeLabel(paths, c.req.routeIndex, self, status);
      metrics.observe({ method: c.req.method, route, status, seconds: (performance.now() - started) / 1000 });
    }
  };
}
