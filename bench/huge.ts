import { statfs } from 'node:fs/promises';
import type { BenchContext } from './context.js';
import { benchGrowth, type GrowthRow } from './growth.js';

/** The store size of `--huge`; `SLMEM_BENCH_HUGE_EPISODES` overrides it to try the run end to end small. */
export const HUGE_EPISODES = 1_000_000;

/** Disk one episode takes with its hash vector, FTS rows and WAL slack (the 100k store is ~1.0 GB), doubled. */
const BYTES_PER_EPISODE = 2 * 11_000;

/** Sample counts at 1M: fewer than at 100k, the cheap ones still enough for a p95. */
export const HUGE_SAMPLES = { cheap: 100, medium: 20, few: 20, batches: 0 };

/** The episodes of this huge run: 1M, or the override (a whole number of thousands). */
export function hugeEpisodes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SLMEM_BENCH_HUGE_EPISODES;
  if (raw === undefined || raw === '') return HUGE_EPISODES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1000 || n % 1000 !== 0)
    throw new Error(`SLMEM_BENCH_HUGE_EPISODES must be a multiple of 1000, got ${raw}`);
  return n;
}

/**
 * One store grown straight to `episodes` (import without embedding in batches of 1,000, then hash vectors
 * with `reindex()`), the growth table's operations measured there with fewer samples. Refuses to start when
 * the bench folder's disk has less free space than the store would need.
 */
export async function benchHuge(ctx: BenchContext, episodes: number): Promise<GrowthRow> {
  const need = episodes * BYTES_PER_EPISODE;
  const { bavail, bsize } = await statfs(ctx.dir);
  const free = bavail * bsize;
  const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (free < need)
    throw new Error(
      `${ctx.dir} has ${gb(free)} free; ${episodes} episodes need about ${gb(need)} (set SLMEM_BENCH_DIR to a larger disk)`,
    );
  ctx.log(`huge: ${episodes} episodes in ${ctx.dir} (about ${gb(need / 2)} on disk, ${gb(free)} free)`);
  const every = episodes >= 500_000 ? 50_000 : Math.max(1000, Math.round(episodes / 10_000) * 1000);
  const [row] = await benchGrowth(
    { ...ctx, sizes: { ...ctx.sizes, growth: [episodes] } },
    { progressEvery: every },
  );
  return row!;
}
