/**
 * A monotone map from a playbook's raw confidence (its winning plan's vote share) to how often plans of that
 * confidence were right in this memory's own history, fitted by isotonic regression (pool adjacent violators).
 * Stored as knots: the raw confidence at the middle of each pooled block and the block's right rate.
 */
export interface Calibration {
  /** [raw, calibrated] pairs, raw ascending, calibrated non-decreasing, both in [0, 1]. */
  knots: Array<[number, number]>;
  /** How many plans the fit saw. */
  points: number;
}

/**
 * Fits the calibration of (raw confidence, was the plan right) pairs. Each block of the fit holds at least
 * `minBlock` points, so that a handful of plans cannot pin the map to 0 or 1; the right rates are shrunk
 * towards the overall rate by `prior` pseudo-points.
 *
 * @example
 * const fit = fitCalibration([{ confidence: 0.9, right: true }, { confidence: 0.2, right: false }, ...]);
 * calibrate(fit, 0.8); // how often plans near 0.8 were right
 */
export function fitCalibration(
  points: ReadonlyArray<{ confidence: number; right: boolean }>,
  options: { minBlock?: number; prior?: number } = {},
): Calibration {
  const minBlock = Math.max(1, options.minBlock ?? 5);
  const prior = Math.max(0, options.prior ?? 2);
  const sorted = points
    .filter((p) => Number.isFinite(p.confidence))
    .map((p) => ({ x: Math.min(1, Math.max(0, p.confidence)), y: p.right ? 1 : 0 }))
    .sort((a, b) => a.x - b.x);
  if (sorted.length === 0) return { knots: [], points: 0 };
  const base = sorted.reduce((s, p) => s + p.y, 0) / sorted.length;
  // Blocks of at least minBlock points (the last takes the remainder), then pool adjacent violators.
  type Block = { n: number; sumY: number; sumX: number };
  const blocks: Block[] = [];
  for (let i = 0; i < sorted.length; i += minBlock) {
    const part = sorted.slice(i, i + minBlock);
    const block = {
      n: part.length,
      sumY: part.reduce((s, p) => s + p.y, 0),
      sumX: part.reduce((s, p) => s + p.x, 0),
    };
    const last = blocks.at(-1);
    if (last && block.n < minBlock) {
      last.n += block.n;
      last.sumY += block.sumY;
      last.sumX += block.sumX;
    } else blocks.push(block);
  }
  const rate = (b: Block) => (b.sumY + prior * base) / (b.n + prior);
  const pooled: Block[] = [];
  for (const block of blocks) {
    pooled.push({ ...block });
    while (pooled.length > 1) {
      const last = pooled[pooled.length - 1] as Block;
      const before = pooled[pooled.length - 2] as Block;
      if (rate(before) <= rate(last)) break;
      pooled.splice(pooled.length - 2, 2, {
        n: before.n + last.n,
        sumY: before.sumY + last.sumY,
        sumX: before.sumX + last.sumX,
      });
    }
  }
  return {
    knots: pooled.map((b) => [round(b.sumX / b.n), round(rate(b))]),
    points: sorted.length,
  };
}

/**
 * The calibrated confidence of a raw one: linear between the knots, flat beyond the first and the last. Without
 * knots the raw confidence stands.
 */
export function calibrate(calibration: Calibration | undefined, raw: number): number {
  const knots = calibration?.knots ?? [];
  const first = knots[0];
  const last = knots.at(-1);
  if (!first || !last) return raw;
  if (raw <= first[0]) return first[1];
  if (raw >= last[0]) return last[1];
  for (let i = 1; i < knots.length; i++) {
    const [x1, y1] = knots[i] as [number, number];
    const [x0, y0] = knots[i - 1] as [number, number];
    if (raw <= x1) return x1 === x0 ? y1 : y0 + ((raw - x0) / (x1 - x0)) * (y1 - y0);
  }
  return last[1];
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
