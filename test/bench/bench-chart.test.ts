import { describe, expect, it } from 'vitest';
import { OP_TARGETS } from '../../bench/targets.js';
import { type ChartResults, chartSeries, describeRuns, renderChart } from '../../scripts/bench-chart.js';

/** Tag balance and attribute syntax of an XML document, without a parser: returns the element names in order. */
function checkXml(text: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    // Text between tags: only entities may start with &, and no stray >.
    expect(chunk).not.toMatch(/&(?!amp;|lt;|gt;|quot;)|>/);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const match = tag.exec(text);
    if (!match) throw new Error(`malformed tag at ${lt}: ${text.slice(lt, lt + 60)}`);
    const [whole, closing, name, , selfClosing] = match;
    if (closing) expect(open.pop()).toBe(name);
    else {
      names.push(name!);
      if (!selfClosing) open.push(name!);
    }
    i = lt + whole.length;
  }
  expect(open).toEqual([]);
  return names;
}

const stats = (p95: number) => ({ p50: p95 / 2, p95 });
const row = (episodes: number, scale: number) => ({
  episodes,
  importPerSec: 6000,
  ...Object.fromEntries(OP_TARGETS.map((t, i) => [t.key, stats((i + 1) * scale)])),
});
const results: ChartResults = {
  machine: { cpu: 'Test CPU <x>', cpus: 2, node: 'v20', date: '2026-11-29T00:00:00Z' },
  mode: 'full',
  growth: [row(1000, 0.1), row(10_000, 0.2), row(100_000, 0.5)],
};
const huge: ChartResults = { mode: 'huge', growth: [row(1_000_000, 2)] };

describe('bench chart', () => {
  it('has a checker that catches a tag left open or crossed', () => {
    expect(() => checkXml('<svg><g><rect x="1"></g></svg>')).toThrow();
    expect(() => checkXml('<svg><text>a < b</text></svg>')).toThrow();
    expect(checkXml('<svg><g><rect x="1"/></g></svg>')).toEqual(['svg', 'g', 'rect']);
  });

  it('merges the huge run into one series per operation, ordered by size', () => {
    const series = chartSeries(results, huge);
    expect(series.map((s) => s.target.key)).toEqual(OP_TARGETS.map((t) => t.key));
    expect(series[0]!.points.map((p) => p.episodes)).toEqual([1000, 10_000, 100_000, 1_000_000]);
    expect(series[2]!.points[3]!.p95).toBe(6);
  });

  it('writes a well-formed SVG with a line per operation and a target per panel', () => {
    const svg = renderChart(chartSeries(results, huge), describeRuns(results, huge));
    const names = checkXml(svg);
    expect(names[0]).toBe('svg');
    const lines = [...svg.matchAll(/<polyline class="series" data-op="(\w+)" points="([^"]+)"/g)];
    expect(lines.map((m) => m[1])).toEqual(OP_TARGETS.map((t) => t.key));
    // Four sizes, four points each; the targets are dashed polylines of their own.
    for (const m of lines) expect(m[2]!.split(' ')).toHaveLength(4);
    expect(svg.match(/class="target"/g)).toHaveLength(OP_TARGETS.length);
    expect(svg).toContain('Test CPU &lt;x&gt;');
  });

  it('says so in the panel of an operation the results lack, and still draws its target', () => {
    const old: ChartResults = { growth: [{ episodes: 1000, lexical: stats(9) }] };
    const svg = renderChart(chartSeries(old), describeRuns(old));
    checkXml(svg);
    expect(svg.match(/class="series"/g)).toHaveLength(1);
    expect(svg.match(/not measured in these results/g)).toHaveLength(OP_TARGETS.length - 1);
    expect(svg).toContain('no --huge run yet');
  });
});
