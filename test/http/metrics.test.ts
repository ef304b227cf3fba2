import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryGauges } from '../../src/http/memory-gauges.js';
import { HttpMetrics, metricsMiddleware, routeLabel } from '../../src/http/metrics.js';
import { formatFamily } from '../../src/http/prometheus.js';
import { type EpisodeRecord, SelfLearningMemory } from '../../src/index.js';

interface Line {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the 0.0.4 text format: fails on a sample before its TYPE line or a repeated series. */
function parse(text: string): { samples: Line[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Line[] = [];
  const seen = new Set<string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE (\w+) (counter|gauge|histogram)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!)).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^(\w+?)(_bucket|_sum|_count)?(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const family = types.has(`${m[1]}${m[2] ?? ''}`) ? `${m[1]}${m[2] ?? ''}` : m[1]!;
    expect(types.has(family), `TYPE before ${line}`).toBe(true);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k!] = v!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    expect(seen.has(`${m[1]}${m[2] ?? ''}${m[3]}`), `repeated ${line}`).toBe(false);
    seen.add(`${m[1]}${m[2] ?? ''}${m[3]}`);
    samples.push({ name: `${m[1]}${m[2] ?? ''}`, labels, value: m[4] === '+Inf' ? Infinity : Number(m[4]) });
  }
  return { samples, types };
}

const find = (lines: Line[], name: string, labels: Record<string, string>) =>
  lines.filter((l) => l.name === name && Object.entries(labels).every(([k, v]) => l.labels[k] === v));

const none = { namespaces: [] };

describe('the Prometheus text format', () => {
  it('escapes backslash, quote and newline in label values so each sample stays one line', () => {
    const tricky = 'a\\b"c\nd';
    const text = formatFamily('x_total', 'counter', 'Help with \\ and\nnewline.', [
      { labels: { route: tricky }, value: 2 },
    ]);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('# HELP x_total Help with \\\\ and\\nnewline.');
    expect(text).toContain('x_total{route="a\\\\b\\"c\\nd"} 2');
    expect(parse(text).samples[0]?.labels.route).toBe(tricky);
  });

  it('writes histograms with cumulative buckets up to +Inf = count, and the sum', () => {
    const metrics = new HttpMetrics();
    for (const seconds of [0.00005, 0.0003, 0.0003, 0.02, 7]) {
      metrics.observe({ method: 'get', route: '/api/episodes', status: 200, seconds });
    }
    const { samples, types } = parse(metrics.render(none));
    expect(types.get('slmem_http_request_duration_seconds')).toBe('histogram');
    const buckets = find(samples, 'slmem_http_request_duration_seconds_bucket', { method: 'GET' });
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: 5 });
    expect(find(samples, 'slmem_http_request_duration_seconds_bucket', { le: '0.0001' })[0]?.value).toBe(1);
    expect(find(samples, 'slmem_http_request_duration_seconds_bucket', { le: '5' })[0]?.value).toBe(4);
    expect(find(samples, 'slmem_http_request_duration_seconds_count', {})[0]?.value).toBe(5);
    expect(find(samples, 'slmem_http_request_duration_seconds_sum', {})[0]?.value).toBeCloseTo(7.02065, 6);
  });

  it('counts requests by method, route and status, folding unknown methods into one label', () => {
    const metrics = new HttpMetrics();
    metrics.observe({ method: 'GET', route: '/a', status: 200, seconds: 0.001 });
    metrics.observe({ method: 'GET', route: '/a', status: 200, seconds: 0.001 });
    metrics.observe({ method: 'GET', route: '/a', status: 404, seconds: 0.001 });
    metrics.observe({ method: 'BREW', route: '/a', status: 405, seconds: 0.001 });
    const { samples } = parse(metrics.render(none));
    const requests = find(samples, 'slmem_http_requests_total', {});
    expect(requests.map((r) => [r.labels.method, r.labels.status, r.value])).toEqual([
      ['GET', '200', 2],
      ['GET', '404', 1],
      ['OTHER', '405', 1],
    ]);
    expect(find(samples, 'process_resident_memory_bytes', {})[0]?.value).toBeGreaterThan(0);
    metrics.close();
  });

  it('count how late the event loop ran its timer, in a histogram that any number of scrapers can read', async () => {
    const metrics = new HttpMetrics();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const held = Date.now();
      while (Date.now() - held < 400) {
        // Holds the event loop, as a long synchronous call would.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      const first = parse(metrics.render(none)).samples;
      const count = find(first, 'slmem_eventloop_delay_seconds_count', {})[0]?.value ?? 0;
      // The timer ran a few times, and once about 400 ms late: past the 0.25 s bucket.
      expect(count).toBeGreaterThan(2);
      expect(find(first, 'slmem_eventloop_delay_seconds_bucket', { le: '0.25' })[0]?.value).toBeLessThan(
        count,
      );
      expect(find(first, 'slmem_eventloop_delay_seconds_bucket', { le: '5' })[0]?.value).toBe(count);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = parse(metrics.render(none)).samples;
      // Cumulative: a scrape takes nothing away from the next.
      expect(find(second, 'slmem_eventloop_delay_seconds_count', {})[0]?.value).toBeGreaterThan(count);
    } finally {
      metrics.close();
    }
  });
});

describe('route labels', () => {
  it('prefer the endpoint, and say unmatched when only middleware matched', () => {
    expect(routeLabel(['*', '/api/*', '/api/episodes/:id'], 2, 0, 200)).toBe('/api/episodes/:id');
    expect(routeLabel(['*', '/api/*', '/api/episodes/:id'], 1, 0, 401)).toBe('/api/episodes/:id');
    expect(routeLabel(['*', '/api/*'], 1, 0, 404)).toBe('unmatched');
    expect(routeLabel(['*'], 0, 0, 404)).toBe('unmatched');
    expect(routeLabel(['*', '*'], 1, 0, 403)).toBe('unmatched');
    expect(routeLabel(['*', '/assets/*'], 1, 0, 200)).toBe('/assets/*');
  });

  it('come from the route patterns of a real Hono app, never the raw path', async () => {
    const metrics = new HttpMetrics();
    const app = new Hono();
    app.use('*', metricsMiddleware(metrics));
    app.use('/api/*', async (c, next) => {
      if (c.req.header('authorization') !== 'Bearer t') return c.json({ error: 'no' }, 401);
      return next();
    });
    const api = new Hono();
    api.get('/episodes/:id', (c) => c.json({ id: c.req.param('id') }));
    api.get('/boom', () => {
      throw new Error('boom');
    });
    app.route('/api', api);
    app.get('/x/:id', (c) => c.text(c.req.param('id')));
    app.onError((_, c) => c.json({ error: 'internal' }, 500));
    const auth = { headers: { authorization: 'Bearer t' } };

    for (const id of ['1', '2', '3']) expect((await app.request(`/x/${id}`)).status).toBe(200);
    expect((await app.request('/api/episodes/e-1', auth)).status).toBe(200);
    expect((await app.request('/api/episodes/e-2')).status).toBe(401);
    expect((await app.request('/api/boom', auth)).status).toBe(500);
    expect((await app.request('/api/nothing', auth)).status).toBe(404);
    expect((await app.request('/nothing/at/all')).status).toBe(404);

    const requests = find(parse(metrics.render(none)).samples, 'slmem_http_requests_total', {});
    const rows = requests.map((r) => `${r.labels.method} ${r.labels.route} ${r.labels.status} ${r.value}`);
    expect(rows.sort()).toEqual([
      'GET /api/boom 500 1',
      'GET /api/episodes/:id 200 1',
      'GET /api/episodes/:id 401 1',
      'GET /x/:id 200 3',
      'GET unmatched 404 2',
    ]);
  });
});

describe('memory gauges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slmem-metrics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (task: string, success: boolean, hour: number): EpisodeRecord => ({
    task,
    context: { domain: 'retail' },
    steps: ['find_user', 'get_order', success ? 'refund' : 'transfer_to_human'].map((tool) => ({ tool })),
    outcome: success ? { status: 'success' } : { status: 'failure', reason: 'gave up' },
    startedAt: new Date(Date.UTC(2026, 0, 1, hour)).toISOString(),
  });

  it('report counts per namespace, the embedding queue and cache hits from real memories', async () => {
    const db = join(dir, 'memory.db');
    const open = (namespace: string) =>
      SelfLearningMemory.open({ db, namespace, embeddings: { provider: 'hash' } });
    const team = await open('team-a');
    const other = await open('other');
    const teamAgain = await open('team-a');
    try {
      const records = [run('refund my order', true, 1), run('refund the order please', true, 2)];
      expect((await team.importEpisodes([...records, run('refund it', false, 3)])).failed).toEqual([]);
      await team.flush();
      await team.retrieve({ task: 'refund my order' });
      await team.retrieve({ task: 'refund my order' });
      await teamAgain.retrieve({ task: 'refund my order' });

      const { samples } = parse(new HttpMetrics().render(await memoryGauges([team, other, teamAgain])));
      const team_ = { namespace: 'team-a' };
      expect(find(samples, 'slmem_episodes', team_)[0]?.value).toBe(3);
      expect(
        find(samples, 'slmem_completed_episodes_by_outcome', { ...team_, outcome: 'failure' })[0]?.value,
      ).toBe(1);
      expect(find(samples, 'slmem_episodes', { namespace: 'other' })[0]?.value).toBe(0);
      expect(find(samples, 'slmem_patterns', team_)[0]?.value).toBe((await team.stats()).patterns);
      expect(find(samples, 'slmem_embedding_queue_depth', team_)[0]?.value).toBe(0);
      // Two memories in one namespace: one series each, the caches added up (1 hit, 2 misses).
      const result = { ...team_, cache: 'result' };
      expect(find(samples, 'slmem_retrieval_cache_hits_total', result).map((s) => s.value)).toEqual([1]);
      expect(find(samples, 'slmem_retrieval_cache_misses_total', result).map((s) => s.value)).toEqual([2]);
    } finally {
      await Promise.all([team.close(), other.close(), teamAgain.close()]);
    }
  });

  it('leave the queue depth out when embeddings are off', async () => {
    const memory = await SelfLearningMemory.open({ db: join(dir, 'bm25.db'), embeddings: false });
    try {
      const { samples } = parse(new HttpMetrics().render(await memoryGauges([memory])));
      expect(find(samples, 'slmem_episodes', { namespace: 'default' })[0]?.value).toBe(0);
      expect(find(samples, 'slmem_embedding_queue_depth', {})).toEqual([]);
    } finally {
      await memory.close();
    }
  });
});
