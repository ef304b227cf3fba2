import { performance } from 'node:perf_hooks';
import { type Stats, sample } from './measure.js';

/** What the requests are built from: facts of the store read before the server started. */
export interface StoreFacts {
  /** Ids of stored episodes, in random order. */
  ids: string[];
  /** Domains that hold episodes. */
  domains: string[];
  /** Fresh task texts (none is a stored task), one per request, so the result cache does not answer. */
  texts: string[];
}

/** One timed endpoint: the request it sends on the i-th call (warm-up calls get negative i). */
export interface ApiTarget {
  name: string;
  request(i: number): { path: string; body?: unknown };
}

export type ApiStats = Stats & { meanBytes: number };

const at = <T>(items: readonly T[], i: number): T =>
  items[((i % items.length) + items.length) % items.length]!;

/** Two longer words of a task, so `q` (every word must appear) usually matches some episodes. */
export function queryWords(text: string): string {
  const words = (text.toLowerCase().match(/[a-z]{5,}/g) ?? ['order']).slice(0, 6);
  return [...new Set([words[0], words.at(-1)])].join(' ');
}

/** The endpoints of the contract the page and agents call, with varied arguments. */
export function apiTargets(facts: StoreFacts): ApiTarget[] {
  const filters = [
    ...facts.domains.map((d) => `domain=${encodeURIComponent(d)}`),
    'outcome=failure',
    'domain=retail&outcome=success&tag=customer-service',
    'status=completed&since=2026-03-01T00:00:00Z&until=2026-04-01T00:00:00Z',
    'outcome=partial&tag=webarena',
  ];
  const get = (path: string) => () => ({ path });
  return [
    { name: 'GET /health (baseline)', request: get('/health') },
    { name: 'GET /api/episodes', request: get('/api/episodes?limit=20') },
    {
      name: 'GET /api/episodes, pages 1-50',
      request: (i) => ({ path: `/api/episodes?limit=20&offset=${at([...Array(50).keys()], i) * 20}` }),
    },
    { name: 'GET /api/episodes, filters', request: (i) => ({ path: `/api/episodes?${at(filters, i)}` }) },
    {
      name: 'GET /api/episodes, text q',
      request: (i) => ({ path: `/api/episodes?q=${encodeURIComponent(queryWords(at(facts.texts, i)))}` }),
    },
    { name: 'GET /api/episodes/:id', request: (i) => ({ path: `/api/episodes/${at(facts.ids, i)}` }) },
    {
      name: 'POST /api/retrieve',
      request: (i) => ({ path: '/api/retrieve', body: { task: at(facts.texts, i) } }),
    },
    {
      name: 'POST /api/playbook',
      request: (i) => ({ path: '/api/playbook', body: { task: at(facts.texts, i) } }),
    },
    { name: 'GET /api/patterns', request: get('/api/patterns') },
    { name: 'GET /api/heuristics', request: get('/api/heuristics') },
    { name: 'GET /api/progress', request: get('/api/progress') },
    { name: 'GET /api/stats', request: get('/api/stats') },
    { name: 'GET /metrics', request: get('/metrics') },
  ];
}

/**
 * Each target `n` times after `warmup`, one request at a time over a kept-alive connection; a call is timed
 * from sending to the last byte of the body. Any status but 2xx stops the bench: a timed error page would be
 * a lie.
 */
export async function measureApi(
  url: string,
  targets: readonly ApiTarget[],
  options: { n: number; warmup: number },
): Promise<ApiStats[]> {
  const out: ApiStats[] = [];
  for (const target of targets) {
    let bytes = 0;
    const stats = await sample(target.name, options, async (i) => {
      const { path, body } = target.request(i);
      const init: RequestInit =
        body === undefined
          ? {}
          : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
      const started = performance.now();
      const response = await fetch(`${url}${path}`, init);
      const payload = await response.arrayBuffer();
      const ms = performance.now() - started;
      if (!response.ok) {
        const text = new TextDecoder().decode(payload).slice(0, 300);
        throw new Error(`${target.name}: ${path} answered ${response.status}: ${text}`);
      }
      if (i >= 0) bytes += payload.byteLength;
      return ms;
    });
    out.push({ ...stats, meanBytes: bytes / Math.max(1, stats.n) });
  }
  return out;
}
