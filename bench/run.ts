/**
 * `npm run bench`: latency and throughput of the memory's operations on the embedded SQLite store, how they
 * grow with the store, and peak memory; prints tables and writes bench/results.json. See bench/README.md.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { roundedJson } from '../eval/table.js';
import { redactUrl } from '../src/storage/index.js';
import type { BenchContext, SampleCounts } from './context.js';
import { loadSources } from './data.js';
import { benchGrowth, dropPostgresSchema, postgresSchemaMb } from './growth.js';
import { benchOperations } from './operations.js';
import { createRng } from './rng.js';
import { growthTable, operationsTable } from './table.js';
import { benchUseModel } from './use-model.js';

const USAGE = `usage: npm run bench -- [--quick | --full]
  --quick   fewer samples, growth to 10k only, a 300-episode local-model store (about 1 minute; results.json not written)
  --full    growth also at 100k episodes (about 8 minutes in all)
  --growth-only   only the growth table(s) (results.json not written)
  --postgres-only only the PostgreSQL growth table (needs SLMEM_BENCH_PG)
With SLMEM_BENCH_PG=postgres://… the growth runs again on that server (in a schema of its own, dropped after).`;

const SEED = 20_260_101;
const log = (message: string) =>
  process.stderr.write(`bench: [${(performance.now() / 1000).toFixed(0)} s] ${message}\n`);

function parseOptions(argv: string[]): {
  quick: boolean;
  full: boolean;
  growthOnly: boolean;
  postgresOnly: boolean;
} {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      'growth-only': { type: 'boolean', default: false },
      'postgres-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.quick && values.full) throw new Error('--quick and --full exclude each other');
  if (values['postgres-only'] && !process.env.SLMEM_BENCH_PG)
    throw new Error('--postgres-only needs SLMEM_BENCH_PG');
  return {
    quick: values.quick,
    full: values.full,
    growthOnly: values['growth-only'] || values['postgres-only'],
    postgresOnly: values['postgres-only'],
  };
}

function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : error}\n${USAGE}\n`);
    return 2;
  }
  const datasets = new URL('../../shared/datasets/', import.meta.url);
  if (!existsSync(fileURLToPath(datasets))) {
    log(`the datasets folder ${fileURLToPath(datasets)} is missing (webarena-intents/, tau-retail/)`);
    return 1;
  }
  const n: SampleCounts = options.quick
    ? { cheap: 100, medium: 40, few: 10, batches: 5 }
    : { cheap: 400, medium: 150, few: 40, batches: 20 };
  const dir = await mkdtemp(join(tmpdir(), 'slmem-bench-'));
  const ctx: BenchContext = {
    dir,
    sources: await loadSources(datasets),
    rng: createRng(SEED),
    n,
    sizes: {
      ops: 1000,
      growth: options.full ? [1000, 10_000, 100_000] : [1000, 10_000],
      use: options.quick ? 300 : 1000,
    },
    log,
  };
  const started = performance.now();
  const env = machine();
  const pgBase = process.env.SLMEM_BENCH_PG;
  const POSTGRES = pgBase
    ? `postgres: ${redactUrl(pgBase)} (growth only)`
    : 'postgres: not measured (set SLMEM_BENCH_PG=postgres://…)';
  const mode = options.quick ? 'quick' : options.full ? 'full' : 'default';
  process.stdout.write(
    `machine: ${env.cpus} × ${env.cpu}, node ${env.node}, ${env.platform}, ${env.date}\n` +
      `backend: sqlite (temp file, durability normal); ${POSTGRES}\n` +
      `mode: ${mode}; embeddings: hash (384 dims) unless the row says use\n\n`,
  );
  try {
    const operations = options.growthOnly ? [] : await benchOperations(ctx);
    if (!options.growthOnly) {
      process.stdout.write(
        `operations (store of ${ctx.sizes.ops} episodes)\n${operationsTable(operations)}\n\n`,
      );
    }
    const use = options.growthOnly ? undefined : await benchUseModel(ctx);
    if (use) {
      process.stdout.write(
        `local model (use) on ${use.episodes} episodes (embedded in ${use.embedSec.toFixed(1)} s)\n` +
          `${operationsTable(use.stats)}\n\n`,
      );
    }
    // Both backends grow from the same generated episodes and queries.
    const growthSeed = SEED + 1;
    ctx.rng = createRng(growthSeed);
    const growth = options.postgresOnly ? [] : await benchGrowth(ctx);
    if (!options.postgresOnly) process.stdout.write(`growth (hash embeddings)\n${growthTable(growth)}\n`);
    let growthPostgres: Awaited<ReturnType<typeof benchGrowth>> | undefined;
    if (pgBase) {
      const url = `${pgBase}${pgBase.includes('?') ? '&' : '?'}schema=bench_${Date.now().toString(36)}`;
      ctx.rng = createRng(growthSeed);
      try {
        growthPostgres = await benchGrowth(ctx, url, postgresSchemaMb);
      } finally {
        await dropPostgresSchema(url);
      }
      process.stdout.write(
        `\ngrowth on PostgreSQL (same episodes, hash embeddings)\n${growthTable(growthPostgres)}\n`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    log(`done in ${seconds.toFixed(0)} s`);
    if (options.quick || options.growthOnly) return 0;
    const results = {
      machine: env,
      mode,
      seed: SEED,
      seconds,
      backends: { sqlite: 'temp file, durability normal', postgres: POSTGRES },
      embeddings: 'hash (384 dims) for operations and growth; use (local model) where named',
      operations,
      useModel: use,
      growth,
      ...(growthPostgres ? { growthPostgres } : {}),
    };
    await writeFile(new URL('results.json', import.meta.url), roundedJson(results));
    log('wrote bench/results.json');
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
