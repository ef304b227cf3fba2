// @ts-check
/**
 * A line chart drawn as SVG by hand: one line per series over time, y in 0..1, axes with labels, a legend,
 * <title>/<desc> for assistive technology and a visually hidden table with the same numbers.
 */
import { h, s } from './dom.js';

/**
 * @typedef {{ name: string, points: Array<{ x: string, y: number | null }> }} Series  x is an ISO date
 * @typedef {{ id: string, title: string, desc: string, series: Series[], format: (y: number) => string, testid?: string }} ChartSpec
 */

const H = 260;
const M = { top: 14, right: 26, bottom: 36, left: 46 };
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];

/**
 * @example lineChart({ id: 'rate', title: 'Success rate', desc: '…', series, format: (y) => `${y * 100}%` });
 * @param {ChartSpec} spec
 * @returns {HTMLElement}
 */
export function lineChart(spec) {
  // One viewBox unit about one CSS pixel at the width it will be shown: labels stay readable on a phone.
  const W = Math.round(Math.min(1200, Math.max(320, document.documentElement.clientWidth - 64)));
  const dates = [...new Set(spec.series.flatMap((line) => line.points.map((p) => p.x)))].sort();
  const times = dates.map((d) => Date.parse(d));
  const t0 = times[0] ?? 0;
  const t1 = times[times.length - 1] ?? 1;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  /** @param {string} iso */
  const x = (iso) => M.left + (t1 === t0 ? plotW / 2 : ((Date.parse(iso) - t0) / (t1 - t0)) * plotW);
  /** @param {number} value */
  const y = (value) => M.top + (1 - Math.max(0, Math.min(1, value))) * plotH;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((v) =>
    s(
      'g',
      { class: 'tick' },
      s('line', { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, spec.format(v)),
    ),
  );
  const step = Math.max(1, Math.ceil(dates.length / 6));
  const xTicks = dates
    .filter((_, i) => i % step === 0 || i === dates.length - 1)
    .map((d) =>
      s('text', { x: x(d), y: H - M.bottom + 18, 'text-anchor': 'middle', class: 'tick' }, shortDate(d)),
    );
  const lines = spec.series.map((line, i) => {
    const known = line.points.filter((p) => p.y !== null);
    // A bucket without a value (no reward yet) breaks the line instead of drawing through it.
    let pen = 'M';
    const d = line.points
      .map((p) => {
        if (p.y === null) {
          pen = 'M';
          return '';
        }
        const part = `${pen}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`;
        pen = 'L';
        return part;
      })
      .join(' ')
      .trim();
    return s(
      'g',
      { class: `series series-${i % 8}` },
      s('path', { d, fill: 'none', 'stroke-dasharray': DASHES[i % DASHES.length] || undefined }),
      // Past ~100 points the dots hide the line (and cost time); the table below keeps every value.
      (known.length <= 100 ? known : []).map((p) =>
        s(
          'circle',
          { cx: x(p.x), cy: y(/** @type {number} */ (p.y)), r: 3.5 },
          s('title', {}, `${line.name}, ${shortDate(p.x)}: ${spec.format(/** @type {number} */ (p.y))}`),
        ),
      ),
    );
  });
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-labelledby': `${spec.id}-title ${spec.id}-desc`,
      class: 'chart',
      'data-testid': spec.testid,
    },
    s('title', { id: `${spec.id}-title` }, spec.title),
    s('desc', { id: `${spec.id}-desc` }, spec.desc),
    grid,
    s('line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: 'axis' }),
    s('line', { x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom, class: 'axis' }),
    xTicks,
    lines,
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    spec.series.map((line, i) =>
      h(
        'li',
        { class: `series-${i % 8}` },
        s(
          'svg',
          { viewBox: '0 0 24 8', width: 24, height: 8 },
          s('line', {
            x1: 0,
            x2: 24,
            y1: 4,
            y2: 4,
            'stroke-dasharray': DASHES[i % DASHES.length] || undefined,
          }),
        ),
        line.name,
      ),
    ),
  );
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', {}, spec.title),
    svg,
    legend,
    dataTable(spec, dates),
  );
}

/** The chart's numbers as a table for screen readers. @param {ChartSpec} spec @param {string[]} dates */
function dataTable(spec, dates) {
  return h(
    'table',
    { class: 'visually-hidden' },
    h('caption', {}, `${spec.title}, by period`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Period starting'),
        spec.series.map((line) => h('th', { scope: 'col' }, line.name)),
      ),
    ),
    h(
      'tbody',
      {},
      dates.map((d) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, shortDate(d)),
          spec.series.map((line) => {
            const value = line.points.find((p) => p.x === d)?.y;
            return h('td', {}, value === null || value === undefined ? '—' : spec.format(value));
          }),
        ),
      ),
    ),
  );
}

/** @param {string} iso */
function shortDate(iso) {
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
