/**
 * The noisy benchmark (`npm run eval -- --only noisy`): for tau2-retail and tau2-banking, a memory of the train
 * tasks' generated runs (imported in time order, learning from each) is asked with the test tasks' short
 * queries; every library row and every baseline answers the same queries. See eval/README.md.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fixedClock, type MemoryOptions, SelfLearningMemory } from '../../src/index.js';
import { BASELINES, type BaselineRun, baselinePredictors } from './baselines.js';
import { LIBRARY_ROWS, type LibraryRow, QUICK_ROWS, rowOptions } from './configs.js';
import { type RunFigures, runFigures } from './figures.js';
import { generateRuns } from './generate.js';
import { type RecordedRun, toRecords } from './records.js';
import {
  buildQueries,
  kindIn,
  type NoisyQuery,
  playbookTools,
  type QueryResult,
  type RowSummary,
  scoreAdvice,
  summarizeRow,
} from './score.js';
import { loadTau2Banking, loadTau2Retail, type NoisyTask } from './tau2-tasks.js';
import type { Domain } from './tool-kinds.js';

/** The steps a playbook may have; the baselines are cut to the same length. */
export const MAX_STEPS = 20;
/** The fixed "now" of every benchmark memory: a month after the first run, so recency is reproducible. */
export const NOISY_NOW = Date.UTC(2026, 1, 1);
export const DOMAINS: readonly Domain[] = ['retail', 'banking'];

export interface NoisyOptions {
  seed: number;
  quick: boolean;
  log: (message: string) => void;
}

/** One dataset's report: sizes, the generator's realised figures, and a summary per row. */
export interface NoisyDatasetReport {
  trainTasks: number;
  testTasks: number;
  runs: number;
  queries: number;
  /** Queries with at least one relevant train episode (the retrieval columns average over these). */
  answerable: number;
  figures: RunFigures;
  rows: Array<RowSummary & { options?: Record<string, unknown> }>;
}

/** Loads one tau2 dataset from the shared datasets folder. */
export function loadDomain(datasets: URL, domain: Domain): Promise<NoisyTask[]> {
  const file = new URL(`tau2-${domain}/tasks.json`, datasets);
  return domain === 'retail' ? loadTau2Retail(file) : loadTau2Banking(file);
}

/** Runs every row on both datasets. */
export async function runNoisyBenchmark(datasets: URL, dir: string, options: NoisyOptions) {
  const reports: Partial<Record<Domain, NoisyDatasetReport>> = {};
  for (const domain of DOMAINS) {
    const tasks = await loadDomain(datasets, domain);
    const train = tasks.filter((t) => t.split === 'train');
    const test = tasks.filter((t) => t.split === 'test').filter((_, i) => !options.quick || i % 2 === 0);
    const runs = generateRuns(train, options.seed);
    const recorded = toRecords(runs, options.seed);
    const queries = buildQueries(test, recorded);
    const db = join(dir, `noisy-${domain}-${options.seed}.db`);
    await buildStore(db, recorded);
    const rows: NoisyDatasetReport['rows'] = [];
    const failed = new Set(recorded.filter((r) => !r.run.success).map((r) => r.record.id));
    for (const row of LIBRARY_ROWS.filter((r) => !options.quick || QUICK_ROWS.includes(r.name))) {
      const started = performance.now();
      const results = await runLibraryRow(db, row, domain, queries, failed);
      rows.push({ ...summarizeRow(row.name, 'library', results), options: row.options });
      options.log(
        `noisy ${domain}: ${row.name}: ${queries.length} queries in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    rows.push(...runBaselines(domain, recorded, queries));
    reports[domain] = {
      trainTasks: train.length,
      testTasks: test.length,
      runs: runs.length,
      queries: queries.length,
      answerable: queries.filter((q) => q.relevant.size > 0).length,
      figures: runFigures(runs),
      rows,
    };
  }
  return reports;
}

function baseOptions(db: string): MemoryOptions {
  return {
    db,
    embeddings: { provider: 'hash' },
    queryCache: false,
    clock: fixedClock(NOISY_NOW),
    log: () => {},
  };
}

/** Imports the runs oldest first (completion learning runs for each), then embeds everything. */
async function buildStore(db: string, recorded: readonly RecordedRun[]): Promise<void> {
  const records = [...recorded].sort((a, b) => a.record.startedAt.localeCompare(b.record.startedAt));
  const memory = await SelfLearningMemory.open(baseOptions(db));
  try {
    const report = await memory.importEpisodes(records.map((r) => r.record));
    if (report.failed.length > 0)
      throw new Error(
        `${db}: ${report.failed.length} runs failed to import: ${report.failed[0]?.error.message}`,
      );
    await memory.flush();
    await memory.reindex();
  } finally {
    await memory.close();
  }
}

async function runLibraryRow(
  db: string,
  row: LibraryRow,
  domain: Domain,
  queries: readonly NoisyQuery[],
  failed: ReadonlySet<string>,
): Promise<QueryResult[]> {
  const memory = await SelfLearningMemory.open(rowOptions(row, baseOptions(db)));
  const kindOf = kindIn(domain);
  try {
    const results: QueryResult[] = [];
    for (const query of queries) {
      const context = { domain };
      const found = await memory.retrieve({ task: query.text, context, limit: 10 });
      const started = performance.now();
      const playbook = await memory.playbook({ task: query.text, context, maxSteps: MAX_STEPS });
      const advice = {
        tools: playbookTools(playbook.steps),
        confidence: playbook.confidence,
        ranked: found.episodes.map((e) => e.episode.id),
        supporting: playbook.supportingEpisodeIds,
        ms: performance.now() - started,
      };
      results.push(scoreAdvice(query, advice, kindOf, failed));
    }
    return results;
  } finally {
    await memory.close();
  }
}

/** The three baselines on the same runs and queries (tools of successful calls only, cut to `MAX_STEPS`). */
function runBaselines(
  domain: Domain,
  recorded: readonly RecordedRun[],
  queries: readonly NoisyQuery[],
): RowSummary[] {
  const kindOf = kindIn(domain);
  const runs: BaselineRun[] = recorded.map(({ run, record }) => {
    const tools = run.steps.filter((s) => s.error === undefined).map((s) => s.tool);
    return {
      id: record.id,
      text: record.task,
      tools,
      writes: tools.filter((t) => kindOf(t) === 'write'),
      success: run.success,
    };
  });
  const predictors = baselinePredictors(runs, (t) => kindOf(t) === 'write');
  return BASELINES.map((name) => {
    const results = queries.map((query) => {
      const started = performance.now();
      const prediction = predictors[name](query.text);
      const advice = {
        ...prediction,
        tools: prediction.tools.slice(0, MAX_STEPS),
        ms: performance.now() - started,
      };
      return scoreAdvice(query, advice, kindOf, new Set());
    });
    return summarizeRow(name, 'baseline', results);
  });
}
