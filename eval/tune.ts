import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type EvalConfig, type Provider, tuningGrid } from './configs.js';
import {
  log,
  type QueryScore,
  type RunEnvironment,
  runConfig,
  type Suite,
  type Summary,
  summarize,
} from './harness.js';
import { mean } from './metrics.js';
import type { EvalOptions } from './run.js';
import { buildStores, type StoreSet } from './stores.js';
import { formatTable, roundedJson, signed } from './table.js';
import { loadTau, tauMemory, tauQueries, tauSuite } from './tau.js';
import {
  loadWebarena,
  type WebarenaQuery,
  webarenaFolds,
  webarenaQueries,
  webarenaRecord,
  webarenaSuite,
} from './webarena.js';

/** What tuning chose on one slice of data and how it and the defaults do on data it never saw. */
interface Choice {
  dataset: string;
  provider: Provider;
  tunedOn: string;
  heldOut: string;
  objective: string;
  chosen: EvalConfig;
  tuned: { chosen: number; defaults: number };
  /** The five best grid entries on the tuning data. */
  top: Array<{ config: string; objective: number }>;
  chosenHeldOut: Summary;
  defaultsHeldOut: Summary;
}

const RESULTS = new URL('./tune-results.json', import.meta.url);

/**
 * `--tune`: the grid of `tuningGrid` scored on tuning data only. webarena: 2-fold cross-validation over
 * template ids (tune on even ids, report on odd, and the other way round). tau: tune on the dev split, report on
 * test. The first grid entry is the library's defaults, the baseline; a tie keeps it.
 */
export async function tune(datasets: URL, dir: string, options: EvalOptions, env: RunEnvironment) {
  const every = options.quick ? 4 : 1;
  const choices: Choice[] = [];
  if (options.only !== 'tau') choices.push(...(await tuneWebarena(datasets, dir, every, env)));
  if (options.only !== 'webarena') choices.push(...(await tuneTau(datasets, dir, every, env)));
  report(choices);
  if (options.quick || options.only) {
    log('a partial run (--quick or --only): eval/tune-results.json is not written');
    return;
  }
  await writeFile(RESULTS, roundedJson({ date: new Date().toISOString(), choices }));
  log(`wrote ${fileURLToPath(RESULTS)}`);
}

async function tuneWebarena(datasets: URL, dir: string, every: number, env: RunEnvironment) {
  const tasks = await loadWebarena(datasets);
  const queries = webarenaQueries(tasks, every);
  const stores = await buildStores(dir, 'webarena', tasks.map(webarenaRecord), env, webarenaFolds(queries));
  const suite = webarenaSuite(queries);
  const choices: Choice[] = [];
  for (const provider of env.providers.keys()) {
    const grid = tuningGrid(provider);
    const scores = await scoreGrid(stores, suite, grid, env);
    for (const parity of [0, 1]) {
      const inFold = (q: WebarenaQuery) => Math.abs(q.templateId % 2) === parity;
      const pick = (set: QueryScore[]) => set.filter((_, i) => inFold(queries[i]!));
      const rest = (set: QueryScore[]) => set.filter((_, i) => !inFold(queries[i]!));
      const choice = choose(grid, scores, suite.metrics, pick, ['MRR@10', 'nDCG@10']);
      choices.push({
        ...choice,
        dataset: 'webarena',
        provider,
        tunedOn: parity === 0 ? 'even template ids' : 'odd template ids',
        heldOut: parity === 0 ? 'odd template ids' : 'even template ids',
        chosenHeldOut: summarize(suite.metrics, rest(scores[grid.indexOf(choice.chosen)]!)),
        defaultsHeldOut: summarize(suite.metrics, rest(scores[0]!)),
      });
    }
  }
  return choices;
}

async function tuneTau(datasets: URL, dir: string, every: number, env: RunEnvironment) {
  const tasks = await loadTau(datasets);
  const memory = tauMemory(tasks);
  const stores = await buildStores(dir, 'tau', memory.records, env);
  const dev = tauSuite(tauQueries(tasks, 'dev', memory.sequences).queries, 'tau-dev');
  const test = tauSuite(tauQueries(tasks, 'test', memory.sequences, every).queries, 'tau-test');
  const choices: Choice[] = [];
  for (const provider of env.providers.keys()) {
    const grid = tuningGrid(provider);
    const scores = await scoreGrid(stores, dev, grid, env);
    const choice = choose(grid, scores, dev.metrics, (set) => set, ['MRR@10', 'pb.F1']);
    const chosenTest = await runConfig(stores, test, choice.chosen, env);
    const defaultsTest =
      choice.chosen === grid[0] ? chosenTest : await runConfig(stores, test, grid[0]!, env);
    choices.push({
      ...choice,
      dataset: 'tau',
      provider,
      tunedOn: 'dev split',
      heldOut: 'test split',
      chosenHeldOut: summarize(test.metrics, chosenTest),
      defaultsHeldOut: summarize(test.metrics, defaultsTest),
    });
  }
  return choices;
}

async function scoreGrid<Q>(
  stores: StoreSet,
  suite: Suite<Q>,
  grid: readonly EvalConfig[],
  env: RunEnvironment,
) {
  const scores: QueryScore[][] = [];
  for (const config of grid) scores.push(await runConfig(stores, suite, config, env));
  return scores;
}

/**
 * The grid entry with the best objective, the mean of the `objective` metrics on the tuning slice; a tie (or a
 * gain under 0.001) keeps the earlier entry, so the defaults stay unless something is really better.
 */
function choose(
  grid: readonly EvalConfig[],
  scores: readonly QueryScore[][],
  metrics: readonly string[],
  slice: (set: QueryScore[]) => QueryScore[],
  objective: readonly string[],
) {
  const values = scores.map((set) => {
    const summary = summarize(metrics, slice(set));
    return mean(objective.map((m) => summary.metrics[m] ?? 0));
  });
  let best = 0;
  values.forEach((value, i) => {
    if (value > values[best]! + 0.001) best = i;
  });
  return {
    chosen: grid[best]!,
    objective: `mean of ${objective.join(' and ')}`,
    tuned: { chosen: values[best]!, defaults: values[0]! },
    top: grid
      .map((config, i) => ({ config: config.name, objective: values[i]! }))
      .sort((a, b) => b.objective - a.objective)
      .slice(0, 5),
  };
}

function report(choices: readonly Choice[]): void {
  for (const c of choices) {
    const metrics = Object.keys(c.chosenHeldOut.metrics);
    process.stdout.write(
      `\n${c.dataset} / ${c.provider}: tuned on ${c.tunedOn} (objective ${c.objective})\n` +
        `  chosen: ${c.chosen.name}  (objective on the tuning data ${c.tuned.chosen.toFixed(3)} vs defaults ${c.tuned.defaults.toFixed(3)})\n` +
        `  held out (${c.heldOut}, ${c.chosenHeldOut.queries} queries):\n`,
    );
    const row = (name: string, s: Summary) => [name, ...metrics.map((m) => (s.metrics[m] ?? 0).toFixed(3))];
    const diff = [
      'difference',
      ...metrics.map((m) => signed((c.chosenHeldOut.metrics[m] ?? 0) - (c.defaultsHeldOut.metrics[m] ?? 0))),
    ];
    const table = formatTable(
      ['config', ...metrics],
      [row('chosen', c.chosenHeldOut), row('defaults', c.defaultsHeldOut), diff],
    );
    process.stdout.write(`${table.replace(/^/gm, '  ')}\n`);
  }
}
