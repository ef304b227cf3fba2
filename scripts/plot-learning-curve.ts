/**
 * Draws the replay's learning curves (eval/results.json, key `replay`, written by
 * `npm run eval -- --only replay`) as docs/learning-curve.svg: one panel per dataset, success rate over the
 * last 25 tasks against the tasks seen, one line per arm. Hand-written SVG, no dependency; the same results
 * give the same file byte for byte.
 *
 * Usage: npx tsx scripts/plot-learning-curve.ts [results.json] [out.svg]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ArmSchema = z.object({
  rolling: z.array(z.number()),
  cumulative: z.array(z.number()),
  success: z.number(),
});
const ReplaySchema = z.object({
  window: z.number(),
  datasets: z.record(z.string(), z.object({ stream: z.number(), arms: z.record(z.string(), ArmSchema) })),
});
type Replay = z.infer<typeof ReplaySchema>;

/** The arms drawn, in legend order: the three of the experiment, then the reference, dashed. */
const LINES = [
  { arm: 'memory+feedback', color: '#1b7837', dash: '' },
  { arm: 'memory', color: '#2166ac', dash: '' },
  { arm: 'no memory', color: '#b2182b', dash: '' },
  { arm: 'most-frequent', color: '#777777', dash: '5 4' },
] as const;

const PANEL = { width: 440, height: 280, left: 52, right: 16, top: 36, bottom: 44 };
const LEGEND_HEIGHT = 34;

const fmt = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

/** Round tick values for an axis from 0 to `max`: about five of them, at 1, 2 or 5 times a power of ten. */
export function ticks(max: number): number[] {
  if (max <= 0) return [0];
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

function panel(name: string, data: Replay['datasets'][string], window: number, x0: number): string {
  const w = PANEL.width - PANEL.left - PANEL.right;
  const h = PANEL.height - PANEL.top - PANEL.bottom;
  const n = Math.max(1, data.stream);
  const px = (i: number) => x0 + PANEL.left + (i / n) * w;
  const py = (v: number) => PANEL.top + LEGEND_HEIGHT + (1 - v) * h;
  const bottom = py(0);
  const parts: string[] = [
    `<text x="${fmt(x0 + PANEL.left + w / 2)}" y="${PANEL.top + LEGEND_HEIGHT - 12}" text-anchor="middle" font-weight="bold">${name}</text>`,
  ];
  for (const t of ticks(n)) {
    parts.push(
      `<line x1="${fmt(px(t))}" y1="${fmt(bottom)}" x2="${fmt(px(t))}" y2="${fmt(bottom + 4)}" stroke="#000"/>`,
    );
    parts.push(`<text x="${fmt(px(t))}" y="${fmt(bottom + 16)}" text-anchor="middle">${t}</text>`);
  }
  for (const v of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    parts.push(
      `<line x1="${fmt(px(0))}" y1="${fmt(py(v))}" x2="${fmt(px(n))}" y2="${fmt(py(v))}" stroke="#e5e5e5"/>`,
    );
    parts.push(`<text x="${fmt(px(0) - 6)}" y="${fmt(py(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  // The axes go over the grid lines.
  parts.push(
    `<line x1="${fmt(px(0))}" y1="${fmt(bottom)}" x2="${fmt(px(n))}" y2="${fmt(bottom)}" stroke="#000"/>`,
    `<line x1="${fmt(px(0))}" y1="${fmt(py(1))}" x2="${fmt(px(0))}" y2="${fmt(bottom)}" stroke="#000"/>`,
  );
  parts.push(
    `<text x="${fmt(x0 + PANEL.left + w / 2)}" y="${fmt(bottom + 34)}" text-anchor="middle">tasks seen</text>`,
    `<text transform="translate(${fmt(x0 + 14)} ${fmt(py(0.5))}) rotate(-90)" text-anchor="middle">success, last ${window} tasks</text>`,
  );
  for (const line of LINES) {
    const values = data.arms[line.arm]?.rolling ?? [];
    if (values.length === 0) continue;
    const points = values.map((v, i) => `${fmt(px(i + 1))},${fmt(py(v))}`).join(' ');
    const dash = line.dash ? ` stroke-dasharray="${line.dash}"` : '';
    parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.6"${dash} points="${points}"/>`);
  }
  return parts.join('\n');
}

function legend(width: number): string {
  const step = width / LINES.length;
  return LINES.map((line, i) => {
    const x = 20 + i * step;
    const dash = line.dash ? ` stroke-dasharray="${line.dash}"` : '';
    const label = line.arm === 'most-frequent' ? 'most frequent sequence (ref.)' : line.arm;
    return `<line x1="${fmt(x)}" y1="20" x2="${fmt(x + 24)}" y2="20" stroke="${line.color}" stroke-width="2"${dash}/><text x="${fmt(x + 30)}" y="24">${label}</text>`;
  }).join('\n');
}

/** The whole SVG document for the replay results. */
export function learningCurveSvg(replay: Replay): string {
  const names = Object.keys(replay.datasets).sort();
  const width = Math.max(1, names.length) * PANEL.width;
  const height = PANEL.height + LEGEND_HEIGHT;
  const panels = names.map((name, i) => panel(name, replay.datasets[name]!, replay.window, i * PANEL.width));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img">`,
    '<title>Success rate against tasks seen, with and without memory (npm run eval -- --only replay)</title>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    legend(width),
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const input = process.argv[2] ?? fileURLToPath(new URL('../eval/results.json', import.meta.url));
  const output = process.argv[3] ?? fileURLToPath(new URL('../docs/learning-curve.svg', import.meta.url));
  const results = JSON.parse(await readFile(input, 'utf8')) as { replay?: unknown };
  if (results.replay === undefined)
    throw new Error(`${input} has no replay key; run: npm run eval -- --only replay`);
  await writeFile(output, learningCurveSvg(ReplaySchema.parse(results.replay)));
  process.stderr.write(`wrote ${output}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
