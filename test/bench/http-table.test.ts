import { describe, expect, it } from 'vitest';
import { apiTargets, queryWords } from '../../bench/http-api.js';
import { type HttpRow, httpTable } from '../../bench/http-table.js';
import { summarize } from '../../bench/measure.js';

const api = (name: string, p95: number) => ({
  ...summarize(name, [p95 / 2, p95], { n: 2, warmup: 0 }),
  meanBytes: 2048,
});
const page = (name: string, median: number) => ({
  name,
  n: 3,
  median,
  min: median - 1,
  max: median + 1,
  medianInDom: median - 5,
  loadsMs: [median - 1, median, median + 1],
});
const row = (episodes: number, p95: number): HttpRow => ({
  episodes,
  patterns: 7,
  warmSec: 0.25,
  api: [api('GET /api/stats', p95)],
  busy: [api('GET /api/stats', p95 * 3)],
  heavy: {
    calls: 600,
    failed: 0,
    perSec: 60,
    rssMb: { start: 120, alone: 130.4, busy: 150 },
    loopMaxMs: { alone: 12, busy: 31 },
  },
  pages: [page('page: episodes list', 100 + p95)],
});

describe('the HTTP bench', () => {
  it('prints a column per store size for the API and the page', () => {
    const lines = httpTable([row(1000, 2), row(10_000, 4)]).split('\n');
    expect(lines[0]).toBe(
      'HTTP API over a real socket (1k: 7 patterns, index load 0.25 s; 10k: 7 patterns, index load 0.25 s)',
    );
    expect(lines[1]).toMatch(/^endpoint\s+1k: p50 \/ p95 \/ p99 ms\s+10k: p50 \/ p95 \/ p99 ms\s+KB @10k$/);
    expect(lines.find((l) => l.startsWith('GET /api/stats'))).toMatch(
      /1\.00 \/ 2\.00 \/ 2\.00\s+2\.00 \/ 4\.00 \/ 4\.00\s+2\.0$/,
    );
    const busy = lines.indexOf(
      'while busy: beside 4 clients calling retrieve and playbook back to back (1k: 60 heavy calls/s; 10k: 60 heavy calls/s)',
    );
    expect(busy).toBeGreaterThan(0);
    expect(lines.slice(busy).find((l) => l.startsWith('GET /api/stats'))).toMatch(
      /2\.00 \/ 6\.00 \(3\.0\)\s+4\.00 \/ 12\.00 \(3\.0\)$/,
    );
    expect(lines).toContain(
      '10k: RSS 120 MB at start, 130 after the routes alone, 150 after them busy; event loop held at most 12 ms alone, 31 ms busy',
    );
    expect(lines.find((l) => l.startsWith('page: episodes list'))).toMatch(
      /102 \(101-103\)\s+104 \(103-105\)$/,
    );
  });

  it('asks with words of the task, and varies every request that takes an argument', () => {
    expect(queryWords('Return the blue Running Shoes from order #W1234567, please')).toBe('return please');
    expect(queryWords('ok')).toBe('order');
    const targets = apiTargets({ ids: ['e1', 'e2'], domains: ['retail'], texts: ['one task', 'two tasks'] });
    const byName = new Map(targets.map((t) => [t.name, t]));
    expect(byName.get('GET /api/episodes/:id')?.request(1).path).toBe('/api/episodes/e2');
    expect(byName.get('GET /api/episodes/:id')?.request(-1).path).toBe('/api/episodes/e2');
    expect(byName.get('POST /api/retrieve')?.request(0)).toEqual({
      path: '/api/retrieve',
      body: { task: 'one task' },
    });
    expect(byName.get('GET /api/episodes, filters')?.request(0).path).toBe('/api/episodes?domain=retail');
    expect(targets.map((t) => t.name)).toContain('GET /metrics');
  });
});
