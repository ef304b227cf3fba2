import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SelfLearningMemory } from '../src/memory/index.js';
import type { BenchContext } from './context.js';
import { fill, generate, openBench, queries } from './fixtures.js';
import { rssMb, type Stats, sample, timed } from './measure.js';
import { benchCompletion, benchStartAndLog } from './operations.js';

export interface GrowthRow {
  episodes: number;
  /** Episodes per second of the import that grew the store to this size (batches of 1,000, no embedding). */
  importPerSec: number;
  /** Seconds to embed the new episodes with the hash provider (`reindex`). */
  reindexSec: number;
  /** Seconds for `warm()` to load the vector search index in a process that has not searched yet (see measureAt). */
  warmSec?: number;
  lexical: Stats;
  hybrid: Stats;
  playbook: Stats;
  start: Stats;
  logStep: Stats;
  complete: Stats;
  rssMb: number;
  peakRssMb: number;
  dbMb: number;
}

export interface GrowthOptions {
  /** A SQLite file (default: growth.db in the bench folder) or a PostgreSQL URL. */
  db?: string;
  /** Megabytes the store takes (default: the file and its WAL). */
  measureMb?: (db: string) => Promise<number>;
  /** Log import and reindex progress every this many episodes (default 10,000). */
  progressEvery?: number;
}

/**
 * One store grown through `ctx.sizes.growth` (1k → 10k → 100k) with `importEpisodes` (batches of 1,000, no
 * embedding) and `reindex()` (hash); at each size every operation of issue 11's table. `db` is a SQLite file
 * by default, or a PostgreSQL URL (the same operations on the same generated episodes).
 */
export async function benchGrowth(ctx: BenchContext, options: GrowthOptions = {}): Promise<GrowthRow[]> {
  const db = options.db ?? join(ctx.dir, 'growth.db');
  const measureMb = options.measureMb ?? (async (path) => fileMb(path) + fileMb(`${path}-wal`));
  const every = options.progressEvery ?? 10_000;
  const memory = await openBench(db, 'hash');
  const rows: GrowthRow[] = [];
  let stored = 0;
  try {
    for (const size of ctx.sizes.growth) {
      const from = stored;
      const started = performance.now();
      for (; stored < size; stored += 1000) {
        await fill(memory, generate(ctx.sources, ctx.rng, Math.min(1000, size - stored), stored), 1000);
        const now = Math.min(size, stored + 1000);
        if (now % every === 0 && now < size) {
          const rate = (now - from) / ((performance.now() - started) / 1000);
          ctx.log(`growth: ${now} episodes imported (${rate.toFixed(0)} episodes/s)`);
        }
      }
      const importSec = (performance.now() - started) / 1000;
      ctx.log(`growth: ${size} episodes imported in ${importSec.toFixed(1)} s; reindexing`);
      const logged = { episode: 0, pattern: 0 };
      const reindexSec =
        (await timed(() =>
          memory.reindex(({ kind, done, total }) => {
            if (done === 0 || (done - logged[kind] < every && done < total)) return;
            logged[kind] = done;
            ctx.log(`growth: reindex ${kind}s ${done} of ${total}`);
          }),
        )) / 1000;
      ctx.log(
        `growth: ${size} episodes (import ${importSec.toFixed(1)} s, reindex ${reindexSec.toFixed(1)} s)`,
      );
      rows.push({
        episodes: size,
        importPerSec: (size - from) / importSec,
        reindexSec,
        ...(await measureAt(ctx, memory, db, size)),
        ...rss(),
        dbMb: await measureMb(db),
      });
    }
  } finally {
    await memory.close();
  }
  return rows;
}

type Measured = Pick<
  GrowthRow,
  'lexical' | 'hybrid' | 'playbook' | 'start' | 'logStep' | 'complete' | 'warmSec'
>;

/** Every timed operation at one size: the expensive ones `ctx.n.few` times from 100k on. */
async function measureAt(
  ctx: BenchContext,
  memory: SelfLearningMemory,
  db: string,
  size: number,
): Promise<Measured> {
  const n = size >= 100_000 ? ctx.n.few : ctx.n.medium;
  const texts = queries(ctx.sources, ctx.rng, n + 10);
  const text = (i: number) => texts[(i + texts.length) % texts.length]!;
  const options = { n, warmup: Math.min(10, n) };
  const lexicalMemory = await openBench(db, false);
  let lexical: Stats;
  try {
    lexical = await sample(`retrieve lexical @${size}`, options, (i) =>
      timed(() => lexicalMemory.retrieve({ task: text(i) })),
    );
  } finally {
    await lexicalMemory.close();
  }
  ctx.log(`growth: ${size} lexical p95 ${lexical.p95.toFixed(2)} ms`);
  // What a server does at start (slmem mcp calls it): load the vector index before the first search, as the
  // growing process did not search since the import. Timed apart from the searches.
  const warmSec = (await timed(() => memory.warm())) / 1000;
  ctx.log(`growth: ${size} vector index loaded in ${warmSec.toFixed(2)} s`);
  const hybrid = await sample(`retrieve hybrid @${size}`, options, (i) =>
    timed(() => memory.retrieve({ task: text(i) })),
  );
  const playbook = await sample(`playbook @${size}`, options, (i) =>
    timed(() => memory.playbook({ task: text(i) })),
  );
  const [start, logStep] = await benchStartAndLog(ctx, memory, ctx.n.cheap, ` @${size}`);
  const complete = await benchCompletion(ctx, memory, 20, n, `complete 20 @${size}`);
  ctx.log(`growth: ${size} measured (hybrid p95 ${hybrid.p95.toFixed(2)} ms)`);
  return { lexical, hybrid, playbook, start, logStep, complete, warmSec };
}

function rss(): { rssMb: number; peakRssMb: number } {
  const { rss, peak } = rssMb();
  return { rssMb: rss, peakRssMb: peak };
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
