import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './context.js';
import { fill, generate, openBench, queries } from './fixtures.js';
import { rssMb, type Stats, sample, TARGETS, timed } from './measure.js';
import { benchCompletion } from './operations.js';

export interface GrowthRow {
  episodes: number;
  /** Episodes per second of the import that grew the store to this size (batches of 1,000, no embedding). */
  importPerSec: number;
  /** Seconds to embed the new episodes with the hash provider (`reindex`). */
  reindexSec: number;
  lexical: Stats;
  hybrid: Stats;
  complete: Stats;
  rssMb: number;
  peakRssMb: number;
  dbMb: number;
}

/**
 * One store grown 1k → 10k → (100k): at each size, retrieval (lexical, hybrid hash) and completion of 20 steps.
 * `db` is a SQLite file by default, or a PostgreSQL URL (the same operations on the same generated episodes).
 */
export async function benchGrowth(
  ctx: BenchContext,
  db: string = join(ctx.dir, 'growth.db'),
  measureMb: (db: string) => Promise<number> = async (path) => fileMb(path) + fileMb(`${path}-wal`),
): Promise<GrowthRow[]> {
  const memory = await openBench(db, 'hash');
  const rows: GrowthRow[] = [];
  let stored = 0;
  try {
    for (const size of ctx.sizes.growth) {
      const started = performance.now();
      for (; stored < size; stored += 1000) {
        await fill(memory, generate(ctx.sources, ctx.rng, Math.min(1000, size - stored), stored), 1000);
        if ((stored + 1000) % 10_000 === 0 && stored + 1000 < size) {
          const rate =
            (stored + 1000 - (rows.at(-1)?.episodes ?? 0)) / ((performance.now() - started) / 1000);
          ctx.log(`growth: ${stored + 1000} episodes imported (${rate.toFixed(0)} episodes/s)`);
        }
      }
      const importSec = (performance.now() - started) / 1000;
      const reindexSec = (await timed(() => memory.reindex())) / 1000;
      ctx.log(
        `growth: ${size} episodes (import ${importSec.toFixed(1)} s, reindex ${reindexSec.toFixed(1)} s)`,
      );
      const n = size >= 100_000 ? ctx.n.few : ctx.n.medium;
      const texts = queries(ctx.sources, ctx.rng, n + 10);
      const text = (i: number) => texts[(i + texts.length) % texts.length]!;
      const options = { n, warmup: 10, targetMs: TARGETS.retrieve };
      const lexicalMemory = await openBench(db, false);
      let lexical: Stats;
      try {
        lexical = await sample(`retrieve lexical @${size}`, options, (i) =>
          timed(() => lexicalMemory.retrieve({ task: text(i) })),
        );
      } finally {
        await lexicalMemory.close();
      }
      const hybrid = await sample(`retrieve hybrid @${size}`, options, (i) =>
        timed(() => memory.retrieve({ task: text(i) })),
      );
      const complete = await benchCompletion(ctx, memory, 20, n, `complete 20 @${size}`);
      const { rss, peak } = rssMb();
      rows.push({
        episodes: size,
        importPerSec: (size - (rows.at(-1)?.episodes ?? 0)) / importSec,
        reindexSec,
        lexical,
        hybrid,
        complete,
        rssMb: rss,
        peakRssMb: peak,
        dbMb: await measureMb(db),
      });
    }
  } finally {
    await memory.close();
  }
  return rows;
}

function fileMb(path: string): number {
  try {
    return statSync(path).size / 2 ** 20;
  } catch {
    return 0;
  }
}

/** Megabytes of the tables and indexes of the schema a `?schema=` URL names. */
export async function postgresSchemaMb(url: string): Promise<number> {
  const { default: pg } = await import('pg');
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    );
    return Number(rows[0]?.bytes ?? 0) / 2 ** 20;
  } finally {
    await client.end();
  }
}

/** Drops the bench's schema again. */
export async function dropPostgresSchema(url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (!schema) return;
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
