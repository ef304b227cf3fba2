/**
 * `npm run bench:chart`: reads bench/results.json (and bench/results-huge.json when present) and writes
 * docs/bench-growth.svg, the p95 of each operation of issue 11 against the store size (1k, 10k, 100k, 1M; log
 * scales), one panel and one line per operation, its target dashed. Plain SVG written here, no chart library.
 *
 *   npm run bench:chart [-- --results FILE] [--huge FILE] [--out FILE]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { OP_TARGETS, type OpTarget, targetAt } from '../bench/targets.js';

/** What the chart reads of a results file: the growth rows' p95 per operation (absent when not measured). */
export interface ChartResults {
  machine?: { cpu?: string; cpus?: number; node?: string; date?: string };
  mode?: string;
  growth?: ReadonlyArray<{ episodes: number } & Partial<Record<string, { p95?: number } | number>>>;
}

export interface ChartSeries {
  target: OpTarget;
  points: Array<{ episodes: number; p95: number }>;
}

/** One series per operation of the issue, the points of both files merged by size (the huge file last). */
export function chartSeries(results: ChartResults, huge?: ChartResults): ChartSeries[] {
  const rows = [...(results.growth ?? []), ...(huge?.growth ?? [])];
  return OP_TARGETS.map((target) => {
    const bySize = new Map<number, number>();
    for (const row of rows) {
      const stats = row[target.key];
      if (typeof stats === 'object' && typeof stats.p95 === 'number' && stats.p95 > 0)
        bySize.set(row.episodes, stats.p95);
    }
    const points = [...bySize]
      .map(([episodes, p95]) => ({ episodes, p95 }))
      .sort((a, b) => a.episodes - b.episodes);
    return { target, points };
  });
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#17becf'];
const MISS = '#d62728';
const SIZES = [1000, 10_000, 100_000, 1_000_000];
const PANEL = { width: 310, height: 230, left: 52, right: 14, top: 40, bottom: 34 };
const COLUMNS = 3;
const HEADER = 64;
const FOOTER = 44;

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fixed = (value: number) => value.toFixed(1);

function sizeLabel(episodes: number): string {
  return episodes >= 1_000_000 ? `${episodes / 1_000_000}M` : `${episodes / 1000}k`;
}

function msLabel(value: number): string {
  return value >= 1 ? String(Number(value.toPrecision(3))) : String(Number(value.toPrecision(2)));
}

/** The SVG document: a panel per operation in a grid, a title with the run's machine and date, a legend. */
export function renderChart(series: readonly ChartSeries[], subtitle: string): string {
  const rows = Math.ceil(series.length / COLUMNS);
  const width = COLUMNS * PANEL.width + 20;
  const height = HEADER + rows * PANEL.height + FOOTER;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">`,
    `<title>p95 latency of each operation against store size, with issue 11's targets</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="14" y="26" font-size="17" font-weight="bold" fill="#111">p95 against store size (issue 11), log scales</text>`,
    `<text x="14" y="46" fill="#444">${xml(subtitle)}</text>`,
  ];
  series.forEach((s, i) => {
    const x = 10 + (i % COLUMNS) * PANEL.width;
    const y = HEADER + Math.floor(i / COLUMNS) * PANEL.height;
    parts.push(panel(s, COLORS[i % COLORS.length]!, x, y));
  });
  const ly = height - 18;
  parts.push(
    `<g class="legend" fill="#333">`,
    `<line x1="14" y1="${ly - 4}" x2="40" y2="${ly - 4}" stroke="#333" stroke-width="2"/>`,
    `<text x="46" y="${ly}">p95 measured (ms)</text>`,
    `<line x1="170" y1="${ly - 4}" x2="196" y2="${ly - 4}" stroke="${MISS}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<text x="202" y="${ly}">issue 11 target (10k column up to 10k, then 100k column)</text>`,
    `<circle cx="640" cy="${ly - 4}" r="5" fill="#ffffff" stroke="${MISS}" stroke-width="2.5"/>`,
    `<text x="652" y="${ly}">over its target (a miss)</text>`,
    '</g>',
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function panel(s: ChartSeries, color: string, x0: number, y0: number): string {
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const left = x0 + PANEL.left;
  const top = y0 + PANEL.top;
  const values = [...s.points.map((p) => p.p95), s.target.at10k, s.target.at100k];
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))));
  const sx = (episodes: number) => left + ((Math.log10(episodes) - 3) / 3) * plotW;
  const sy = (ms: number) => top + plotH - ((Math.log10(ms) - lo) / (hi - lo)) * plotH;
  const out = [
    `<g class="panel" data-op="${s.target.key}">`,
    `<text x="${x0 + PANEL.left}" y="${y0 + 18}" font-size="13" font-weight="bold" fill="#111">${xml(s.target.label)}</text>`,
    `<text x="${x0 + PANEL.left}" y="${y0 + 33}" fill="#555">${xml(targetText(s.target))}</text>`,
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#bbb"/>`,
  ];
  for (let d = lo; d <= hi; d++) {
    const y = fixed(sy(10 ** d));
    out.push(
      `<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#e3e3e3"/>`,
      `<text x="${left - 6}" y="${y}" dy="4" text-anchor="end" fill="#444">${msLabel(10 ** d)}</text>`,
    );
  }
  for (const size of SIZES) {
    const x = fixed(sx(size));
    out.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#e3e3e3"/>`,
      `<text x="${x}" y="${top + plotH + 16}" text-anchor="middle" fill="#444">${sizeLabel(size)}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${top + plotH + 30}" text-anchor="middle" fill="#666" font-size="11">episodes in the store</text>`,
    `<text transform="translate(${x0 + 14} ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#666" font-size="11">p95 ms</text>`,
  );
  // The target as a step: the 10k column up to 10k, the 100k column from there on.
  const t10 = fixed(sy(s.target.at10k));
  const t100 = fixed(sy(s.target.at100k));
  out.push(
    `<polyline class="target" points="${fixed(sx(1000))},${t10} ${fixed(sx(10_000))},${t10} ${fixed(sx(10_000))},${t100} ${fixed(sx(1_000_000))},${t100}" fill="none" stroke="${MISS}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
  );
  if (s.points.length === 0) {
    out.push(
      `<text x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle" fill="#777">not measured in these results</text>`,
    );
  } else {
    const points = s.points.map((p) => `${fixed(sx(p.episodes))},${fixed(sy(p.p95))}`).join(' ');
    out.push(
      `<polyline class="series" data-op="${s.target.key}" points="${points}" fill="none" stroke="${color}" stroke-width="2.5"/>`,
    );
    for (const p of s.points) {
      const miss = p.p95 > targetAt(s.target, p.episodes);
      out.push(
        `<circle cx="${fixed(sx(p.episodes))}" cy="${fixed(sy(p.p95))}" r="${miss ? 5 : 4}" fill="${miss ? '#ffffff' : color}" stroke="${miss ? MISS : color}" stroke-width="${miss ? 2.5 : 1}"><title>${xml(`${s.target.label} at ${sizeLabel(p.episodes)}: p95 ${msLabel(p.p95)} ms${miss ? ' (over target)' : ''}`)}</title></circle>`,
        // Beside the point, above it unless that would touch the panel's title.
        `<text x="${fixed(sx(p.episodes) + 7)}" y="${fixed(sy(p.p95) < top + 14 ? sy(p.p95) + 16 : sy(p.p95) - 7)}" fill="#222" font-size="11">${msLabel(p.p95)}</text>`,
      );
    }
  }
  out.push('</g>');
  return out.join('\n');
}

function targetText({ at10k, at100k }: OpTarget): string {
  if (at10k === at100k) return `target ≤ ${msLabel(at10k)} ms at every size`;
  return `target ≤ ${msLabel(at10k)} ms at 10k, ≤ ${msLabel(at100k)} ms at 100k`;
}

/** `2 × AMD EPYC, node v20 · results 2026-11-29 (full) · huge 2026-12-01`. */
export function describeRuns(results: ChartResults, huge?: ChartResults): string {
  const m = results.machine;
  const date = (r?: ChartResults) => r?.machine?.date?.slice(0, 10) ?? 'undated';
  const machine = m
    ? `${m.cpus ?? '?'} × ${m.cpu ?? 'unknown CPU'}, node ${m.node ?? '?'}`
    : 'machine unknown';
  const runs = `npm run bench ${date(results)} (${results.mode ?? 'unknown mode'})`;
  return `${machine} · embedded file, hash vectors · ${runs}${huge ? ` · --huge ${date(huge)}` : ' · no --huge run yet'}`;
}

function main(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { values } = parseArgs({
    options: {
      results: { type: 'string', default: resolve(root, 'bench/results.json') },
      huge: { type: 'string', default: resolve(root, 'bench/results-huge.json') },
      out: { type: 'string', default: resolve(root, 'docs/bench-growth.svg') },
    },
  });
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ChartResults;
  const results = read(values.results);
  const huge = existsSync(values.huge) ? read(values.huge) : undefined;
  writeFileSync(values.out, renderChart(chartSeries(results, huge), describeRuns(results, huge)));
  process.stderr.write(`bench:chart: wrote ${values.out}${huge ? '' : ` (no ${values.huge})`}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
