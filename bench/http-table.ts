import { formatTable } from '../eval/table.js';
import type { ApiStats } from './http-api.js';
import type { PageStats } from './http-page.js';
import { ms, sizeLabel } from './table.js';

/** The figures at one store size. */
export interface HttpRow {
  episodes: number;
  patterns: number;
  /** Seconds the server took to load the vector index before listening (`warm()`). */
  warmSec: number;
  api: ApiStats[];
  /** The same routes while heavy clients call retrieve and playbook back to back. */
  busy: ApiStats[];
  /**
   * What the heavy clients got done meanwhile; the server's RSS (MB) after start, after the routes alone and after
   * them busy; its event loop's longest delay (ms, the bound of the histogram bucket it fell in) in each run.
   */
  heavy: {
    calls: number;
    failed: number;
    perSec: number;
    rssMb?: { start: number; alone: number; busy: number };
    loopMaxMs?: { alone: number; busy: number };
  };
  /** The cheap routes while 2 clients write episodes and 2 call retrieve and playbook (absent in old results). */
  mixed?: {
    api: ApiStats[];
    calls: number;
    writes: number;
    failed: number;
    seconds: number;
    rssMb: number;
    loopMaxMs: number;
  };
  pages: PageStats[];
}

/**
 * Two tables, one column per store size: the API's p50 / p95 / p99 per endpoint (and the mean response size at
 * the largest store), then the page's median load time per view with its range.
 *
 * @example
 * process.stdout.write(`${httpTable(rows)}\n`);
 */
export function httpTable(rows: readonly HttpRow[]): string {
  const last = rows.at(-1);
  const names = (pick: (row: HttpRow) => { name: string }[]) => [
    ...new Set(rows.flatMap((r) => pick(r).map((s) => s.name))),
  ];
  const api = formatTable(
    [
      'endpoint',
      ...rows.map((r) => `${sizeLabel(r.episodes)}: p50 / p95 / p99 ms`),
      `KB @${last ? sizeLabel(last.episodes) : '-'}`,
    ],
    names((r) => r.api).map((name) => [
      name,
      ...rows.map((r) => {
        const s = r.api.find((a) => a.name === name);
        return s ? `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}` : '-';
      }),
      kb(last?.api.find((a) => a.name === name)?.meanBytes),
    ]),
  );
  const busy = formatTable(
    ['endpoint', ...rows.map((r) => `${sizeLabel(r.episodes)}: p95 alone / busy ms (×)`)],
    names((r) => r.busy).map((name) => [
      name,
      ...rows.map((r) => {
        const alone = r.api.find((a) => a.name === name);
        const loaded = r.busy.find((a) => a.name === name);
        return alone && loaded
          ? `${ms(alone.p95)} / ${ms(loaded.p95)} (${(loaded.p95 / alone.p95).toFixed(1)})`
          : '-';
      }),
    ]),
  );
  const heavy = rows
    .map((r) => `${sizeLabel(r.episodes)}: ${r.heavy.perSec.toFixed(0)} heavy calls/s`)
    .join('; ');
  const server = rows
    .filter((r) => r.heavy.rssMb && r.heavy.loopMaxMs)
    .map((r) => {
      const { rssMb, loopMaxMs } = r.heavy as Required<HttpRow['heavy']>;
      return (
        `${sizeLabel(r.episodes)}: RSS ${rssMb.start.toFixed(0)} MB at start, ${rssMb.alone.toFixed(0)} after the routes alone, ` +
        `${rssMb.busy.toFixed(0)} after them busy; event loop held at most ${loopMaxMs.alone} ms alone, ${loopMaxMs.busy} ms busy`
      );
    });
  const mixed = rows.flatMap((r) => {
    const m = r.mixed;
    if (!m) return [];
    const routes = m.api
      .map((s) => {
        const alone = r.api.find((a) => a.name === s.name)?.p95;
        return `${s.name.replace(' (baseline)', '')} p95 ${ms(s.p95)} ms${alone ? ` (${(s.p95 / alone).toFixed(1)}× alone)` : ''}`;
      })
      .join(', ');
    return [
      `${sizeLabel(r.episodes)}: ${routes}; meanwhile ${m.writes} writes and ${m.calls} retrieve/playbook in ${m.seconds.toFixed(0)} s ` +
        `(${m.failed} failed); event loop held at most ${m.loopMaxMs} ms; RSS ${m.rssMb.toFixed(0)} MB`,
    ];
  });
  const pages = formatTable(
    ['page view (cold load)', ...rows.map((r) => `${sizeLabel(r.episodes)}: median (min-max) ms`)],
    names((r) => r.pages).map((name) => [
      name,
      ...rows.map((r) => {
        const p = r.pages.find((s) => s.name === name);
        return p ? `${ms(p.median)} (${ms(p.min)}-${ms(p.max)})` : '-';
      }),
    ]),
  );
  const stores = rows
    .map((r) => `${sizeLabel(r.episodes)}: ${r.patterns} patterns, index load ${r.warmSec.toFixed(2)} s`)
    .join('; ');
  return (
    `HTTP API over a real socket (${stores})\n${api}\n\n` +
    `while busy: beside 4 clients calling retrieve and playbook back to back (${heavy})\n${busy}\n` +
    server.map((line) => `${line}\n`).join('') +
    (mixed.length > 0
      ? `\nmixed: beside 2 clients writing episodes and 2 calling retrieve and playbook\n${mixed.join('\n')}\n`
      : '') +
    '\n' +
    `web page in headless Chromium\n${pages}`
  );
}

function kb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / 1024).toFixed(1);
}
