import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type EvalConfig, standardConfigs } from './configs.js';
import { log, type RunEnvironment, runConfig, type Suite, summarize } from './harness.js';
import { type NoisyDatasetReport, runNoisyBenchmark } from './noisy/benchmark.js';
import { formatNoisyReport, updateResults } from './noisy/report.js';
import type { EvalOptions } from './run.js';
import { buildStores, type StoreSet } from './stores.js';
import { metricsTable, type Row, signed } from './table.js';
import { loadTau, tauMemory, tauQueries, tauSuite } from './tau.js';
import { loadWebarena, webarenaFolds, webarenaQueries, webarenaRecord, webarenaSuite } from './webarena.js';

interface DatasetReport {
  queries: number;
  notes: string[];
  rows: Row[];
}

const RESULTS = new URL('./results.json', import.meta.url);

/** The default run: every standard configuration on each dataset, tables on stdout, eval/results.json. */
export async function evaluate(datasets: URL, dir: string, options: EvalOptions, env: RunEnvironment) {
  const configs = standardConfigs(options.providers).filter(
    (c) => !c.provider || env.providers.has(c.provider),
  );
  const every = options.quick ? 4 : 1;
  const reports: Record<string, DatasetReport> = {};
  const selected = (name: string) => options.only === undefined || options.only === name;

  if (selected('webarena')) {
    const tasks = await loadWebarena(datasets);
    const queries = webarenaQueries(tasks, every);
    const stores = await buildStores(dir, 'webarena', tasks.map(webarenaRecord), env, webarenaFolds(queries));
    reports.webarena = {
      queries: queries.length,
      notes: [
        `${tasks.length} intents indexed; each intent whose template has another intent is a query (${queries.length}), with the text only (no site)`,
        'relevant = the other intents of the same intentTemplateId; leave-one-out: each query runs on a store without itself (10 folds)',
        'hit@k = at least one relevant in the top k; MRR@10 = 1/rank of the first relevant (0 past 10); nDCG@10 with binary gains',
      ],
      rows: await runAll(stores, webarenaSuite(queries), configs, env),
    };
  }
  if (selected('tau')) {
    const tasks = await loadTau(datasets);
    const memory = tauMemory(tasks);
    const test = tauQueries(tasks, 'test', memory.sequences, every);
    const stores = await buildStores(dir, 'tau', memory.records, env);
    reports.tau = {
      queries: test.queries.length,
      notes: [
        `memory = the ${memory.records.length} train tasks; queries = the test split, gold = its actions[].name filtered to the six order-changing actions`,
        `${test.skipped} test tasks skipped (no order-changing action in their gold); ${test.queries.length} queries`,
        `hit@5, MRR@10 over the ${test.answerable} queries with at least one train episode of exactly the same action sequence`,
        'pb.P/R/F1 = multiset overlap of the playbook tools with the gold, pb.exact = same sequence; over all queries',
      ],
      rows: await runAll(stores, tauSuite(test.queries, 'tau'), configs, env),
    };
  }

  let noisy: Partial<Record<string, NoisyDatasetReport>> | undefined;
  if (selected('noisy'))
    noisy = await runNoisyBenchmark(datasets, dir, { seed: options.seed, quick: options.quick, log });

  const comparisons =
    Object.keys(reports).length > 0 ? compareWithBm25(reports, [...env.providers.keys()]) : [];
  for (const [name, report] of Object.entries(reports)) {
    process.stdout.write(`\n${name} (${report.queries} queries)\n`);
    for (const note of report.notes) process.stdout.write(`  ${note}\n`);
    process.stdout.write(
      `${metricsTable(Object.keys(report.rows[0]?.summary.metrics ?? {}), report.rows)}\n`,
    );
  }
  if (comparisons.length > 0) process.stdout.write(`\n${comparisons.join('\n')}\n`);
  for (const [name, report] of Object.entries(noisy ?? {}))
    if (report) process.stdout.write(`${formatNoisyReport(name, report)}\n`);

  const noisyResults = noisy && { seed: options.seed, datasets: noisy };
  if (!options.quick && options.only === 'noisy' && noisyResults) {
    await updateResults(RESULTS, { noisy: noisyResults });
    log(`wrote the noisy key of ${fileURLToPath(RESULTS)}`);
    return;
  }
  if (options.quick || options.only) {
    log('a partial run (--quick or --only): eval/results.json is not written');
    return;
  }
  const results = {
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    date: new Date().toISOString(),
    datasets: Object.fromEntries(
      Object.entries(reports).map(([name, r]) => [
        name,
        {
          queries: r.queries,
          notes: r.notes,
          rows: r.rows.map(({ config, summary }) => ({
            config,
            retrieval: configs.find((c) => c.name === config)?.retrieval,
            ...summary,
          })),
        },
      ]),
    ),
    notes: [
      ...comparisons,
      'ms = one retrieve call (query embedding included, no caches), p50/p95 over the queries',
      'rows other than hybrid+rerank rank by fused relevance alone (rerank false, mmrLambda 1); hybrid+rerank = library defaults',
      'library re-rank clock fixed at 2026-02-01T00:00:00Z so recency is reproducible',
    ],
  };
  // The replay key, written by `--only replay`, is kept.
  await updateResults(RESULTS, { ...results, noisy: noisyResults });
  log(`wrote ${fileURLToPath(RESULTS)}`);
}

async function runAll<Q>(
  stores: StoreSet,
  suite: Suite<Q>,
  configs: readonly EvalConfig[],
  env: RunEnvironment,
) {
  const rows: Row[] = [];
  for (const config of configs) {
    const scores = await runConfig(stores, suite, config, env);
    rows.push({ config: config.name, summary: summarize(suite.metrics, scores) });
  }
  return rows;
}

/** "hybrid+rerank:use vs bm25: +0.123 MRR@10 (webarena), +0.045 hit@5 (tau)", one line per provider. */
function compareWithBm25(reports: Record<string, DatasetReport>, providers: readonly string[]): string[] {
  const gain = (dataset: string, config: string, metric: string) => {
    const rows = reports[dataset]?.rows ?? [];
    const hybrid = rows.find((r) => r.config === config)?.summary.metrics[metric];
    const bm25 = rows.find((r) => r.config === 'bm25')?.summary.metrics[metric];
    return hybrid === undefined || bm25 === undefined
      ? []
      : [`${signed(hybrid - bm25)} ${metric} (${dataset})`];
  };
  return providers.map((p) => {
    const config = `hybrid+rerank:${p}`;
    const parts = [...gain('webarena', config, 'MRR@10'), ...gain('tau', config, 'hit@5')];
    return `${config} vs bm25: ${parts.join(', ')}`;
  });
}
