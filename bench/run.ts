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
import { redactUrl } from '../src/core/index.js';
import type { BenchContext, SampleCounts } from './context.js';
import { loadSources } from './data.js';
import { benchGrowth, dropPostgresSchema, type GrowthRow, postgresSchemaMb } from './growth.js';
import { benchHuge, HUGE_EPISODES, HUGE_SAMPLES, hugeEpisodes } from './huge.js';
import { benchOperations } from './operations.js';
import { slmemSystem } from './peers/mcp-systems.js';
import { benchPeers, type PeersResult, peersReport } from './peers/suite.js';
import { createRng } from './rng.js';
import { checkGrowth, growthTable, operationsTable } from './table.js';
import { benchUseModel } from './use-model.js';

const USAGE = `usage: npm run bench -- [--quick | --full | --huge] [--peers]
  --quick   fewer samples, growth to 10k only, a 300-episode local-model store (about 1 minute; results.json not written)
  --full    growth also at 100k episodes, and the peers (about 15 minutes in all)
  --peers   also Orama and the official MCP memory server, in the same run (about 4 more minutes)
  --huge    only a 1M-episode store: import, reindex, the growth table at 1M (about an hour; bench/results-huge.json)
  --growth-only   only the growth table(s) (results.json not written)
  --postgres-only only the PostgreSQL growth table (needs SLMEM_BENCH_PG)
With SLMEM_BENCH_PG=postgres://… the growth runs again on that server (in a schema of its own, dropped after).
SLMEM_BENCH_DIR=… puts the temp stores there (default: the OS temp folder).`;

const SEED = 20_260_101;
const log = (message: string) =>
  process.stderr.write(`bench: [${(performance.now() / 1000).toFixed(0)} s] ${message}\n`);

interface RunOptions {
  quick: boolean;
  full: boolean;
  huge: boolean;
  peers: boolean;
  growthOnly: boolean;
  postgresOnly: boolean;
}

function parseOptions(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      huge: { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
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
  const others =
    values.quick || values.full || values.peers || values['growth-only'] || values['postgres-only'];
  if (values.huge && others) throw new Error('--huge runs alone');
  if (values['postgres-only'] && !process.env.SLMEM_BENCH_PG)
    throw new Error('--postgres-only needs SLMEM_BENCH_PG');
  return {
    quick: values.quick,
    full: values.full,
    huge: values.huge,
    peers: values.peers || values.full,
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
  let options: RunOptions;
  let hugeSize = 0;
  try {
    options = parseOptions(process.argv.slice(2));
    if (options.huge) hugeSize = hugeEpisodes();
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : error}\n${USAGE}\n`);
    return 2;
  }
  const datasets = new URL('../../shared/datasets/', import.meta.url);
  if (!existsSync(fileURLToPath(datasets))) {
    log(`the datasets folder ${fileURLToPath(datasets)} is missing (webarena-intents/, tau-retail/)`);
    return 1;
  }
  const n: SampleCounts = options.huge
    ? HUGE_SAMPLES
    : options.quick
      ? { cheap: 100, medium: 40, few: 10, batches: 5 }
      : { cheap: 400, medium: 150, few: 40, batches: 20 };
  const dir = await mkdtemp(join(process.env.SLMEM_BENCH_DIR || tmpdir(), 'slmem-bench-'));
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
  const env = machine();
  try {
    return options.huge ? await runHuge(ctx, env, hugeSize) : await runNormal(ctx, env, options, datasets);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Machine = ReturnType<typeof machine>;

async function runNormal(
  ctx: BenchContext,
  env: Machine,
  options: RunOptions,
  datasets: URL,
): Promise<number> {
  const started = performance.now();
  const pgBase = process.env.SLMEM_BENCH_PG;
  const POSTGRES = pgBase
    ? `postgres: ${redactUrl(pgBase)} (growth only)`
    : 'postgres: not measured (set SLMEM_BENCH_PG=postgres://…)';
  const mode = options.quick ? 'quick' : options.full ? 'full' : 'default';
  process.stdout.write(
    `machine: ${env.cpus} × ${env.cpu}, node ${env.node}, ${env.platform}, ${env.date}\n` +
      `backend: sqlite (temp file, durability normal); ${POSTGRES}\n` +
      `mode: ${mode}${options.peers ? ' with peers' : ''}; embeddings: hash (384 dims) unless the row says use\n\n`,
  );
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
  if (!options.postgresOnly) writeGrowth('growth (hash embeddings, issue 11 targets)', growth);
  let growthPostgres: GrowthRow[] | undefined;
  if (pgBase) {
    const url = `${pgBase}${pgBase.includes('?') ? '&' : '?'}schema=bench_${Date.now().toString(36)}`;
    ctx.rng = createRng(growthSeed);
    try {
      growthPostgres = await benchGrowth(ctx, { db: url, measureMb: postgresSchemaMb });
    } finally {
      await dropPostgresSchema(url);
    }
    writeGrowth('growth on PostgreSQL (same episodes, hash embeddings)', growthPostgres);
  }
  let peers: PeersResult | undefined;
  if (options.peers) {
    const searches = options.quick ? 50 : 100;
    peers = await benchPeers(datasets, {
      sizes: options.quick ? [1000] : [1000, 10_000],
      searches,
      budgetMs: (options.quick ? 30 : 90) * 1000,
      slmem: slmemSystem('src'),
    });
    process.stdout.write(`\n${peersReport(peers, searches)}`);
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
    growthCheck: checkGrowth(growth),
    ...(growthPostgres ? { growthPostgres, growthPostgresCheck: checkGrowth(growthPostgres) } : {}),
    ...(peers ? { peers } : {}),
  };
  await writeFile(new URL('results.json', import.meta.url), roundedJson(results));
  log('wrote bench/results.json');
  return 0;
}

/** `--huge`: one store grown to 1M episodes, its figures in bench/results-huge.json. */
async function runHuge(ctx: BenchContext, env: Machine, episodes: number): Promise<number> {
  const started = performance.now();
  process.stdout.write(
    `machine: ${env.cpus} × ${env.cpu}, node ${env.node}, ${env.platform}, ${env.date}\n` +
      `backend: sqlite (temp file in ${ctx.dir}, durability normal)\n` +
      `mode: huge, ${episodes} episodes imported without embedding, hash vectors by reindex()\n\n`,
  );
  ctx.rng = createRng(SEED + 1);
  const row = await benchHuge(ctx, episodes);
  writeGrowth(`huge (${episodes} episodes, hash embeddings, issue 11 targets at 100k)`, [row]);
  const seconds = (performance.now() - started) / 1000;
  log(`done in ${seconds.toFixed(0)} s`);
  const results = {
    machine: env,
    mode: 'huge',
    seed: SEED,
    seconds,
    backends: { sqlite: 'temp file, durability normal' },
    embeddings: 'hash (384 dims), by reindex() after the import',
    summary: {
      episodes,
      dbMb: row.dbMb,
      importPerSec: row.importPerSec,
      reindexSec: row.reindexSec,
      retrieveLexicalP95: row.lexical.p95,
      retrieveHybridP95: row.hybrid.p95,
      rssMb: row.rssMb,
      peakRssMb: row.peakRssMb,
    },
    growth: [row],
    growthCheck: checkGrowth([row]),
  };
  // A smaller override run must not replace the published 1M figures.
  const file =
    episodes === HUGE_EPISODES
      ? fileURLToPath(new URL('results-huge.json', import.meta.url))
      : join(tmpdir(), `slmem-results-huge-${episodes}.json`);
  await writeFile(file, roundedJson(results));
  log(`wrote ${file}`);
  return 0;
}

function writeGrowth(title: string, rows: readonly GrowthRow[]): void {
  const misses = checkGrowth(rows)?.misses ?? [];
  process.stdout.write(
    `${title}\n${growthTable(rows)}\n` +
      (misses.length > 0
        ? `MISS: ${misses.length} figure(s) miss issue 11's targets:\n${misses.map((m) => `  - ${m}`).join('\n')}\n`
        : "every figure meets issue 11's targets\n"),
  );
}

process.exitCode = await main();
