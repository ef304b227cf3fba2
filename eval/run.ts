/**
 * `npm run eval`: retrieval quality of the memory on public data (webarena-intents, tau-retail), one row per
 * retrieval configuration, and the noisy benchmark on tau2 (generated real-looking runs); writes
 * eval/results.json. `--only replay` runs the closed-loop replay instead. See eval/README.md.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PROVIDERS, type Provider } from './configs.js';
import { evaluate } from './evaluate.js';
import { loadProviders, log } from './harness.js';
import { runReplay } from './noisy/replay.js';
import { tune } from './tune.js';

const ONLY = ['webarena', 'tau', 'noisy', 'replay'] as const;

const USAGE = `usage: npm run eval -- [--only webarena|tau|noisy|replay] [--providers hash,use] [--quick] [--tune] [--seed N] [--passes N]
  --only PART       one part: webarena, tau, noisy (tau2 generated runs) or replay (closed loop; not in the default run)
  --providers LIST  embedding providers to compare, of: ${PROVIDERS.join(', ')} (default: all; noisy and replay use hash)
  --quick           a subset of the queries (one in four; noisy: one test task in two, two library rows); nothing written
  --tune            grid-search fusion and re-ranking settings on tuning data only, report held-out figures
  --seed N          seed of the generated runs and of the replay's task order (default 7)
  --passes N        replay: passes over each dataset's tasks (default 3)`;

export interface EvalOptions {
  only: (typeof ONLY)[number] | undefined;
  providers: Provider[];
  quick: boolean;
  seed: number;
  passes: number;
}

function parseOptions(argv: string[]): EvalOptions & { tune: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      providers: { type: 'string' },
      quick: { type: 'boolean', default: false },
      tune: { type: 'boolean', default: false },
      seed: { type: 'string', default: '7' },
      passes: { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = ONLY.find((part) => part === values.only);
  if (values.only !== undefined && only === undefined) {
    throw new Error(`--only must be one of ${ONLY.join(', ')}, not ${JSON.stringify(values.only)}`);
  }
  const seed = Number(values.seed);
  const passes = Number(values.passes);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`--seed must be a whole number >= 0, not ${values.seed}`);
  if (!Number.isSafeInteger(passes) || passes < 1)
    throw new Error(`--passes must be a whole number >= 1, not ${values.passes}`);
  if (values.tune && (only === 'noisy' || only === 'replay'))
    throw new Error(`--tune does not apply to --only ${only}`);
  const names = values.providers?.split(',').map((p) => p.trim()) ?? [...PROVIDERS];
  const known: readonly string[] = PROVIDERS;
  const unknown = names.filter((p) => !known.includes(p));
  if (unknown.length > 0)
    throw new Error(`unknown provider ${unknown.join(', ')}; use ${PROVIDERS.join(', ')}`);
  return { only, providers: names as Provider[], quick: values.quick, tune: values.tune, seed, passes };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`eval: ${error instanceof Error ? error.message : error}\n${USAGE}\n`);
    return 2;
  }
  const datasets = new URL('../../shared/datasets/', import.meta.url);
  if (!existsSync(fileURLToPath(datasets))) {
    process.stderr.write(
      `eval: the datasets folder ${fileURLToPath(datasets)} is missing; it holds webarena-intents/ and tau-retail/ (see shared/datasets/README.md)\n`,
    );
    return 1;
  }
  // The noisy benchmark and the replay open their memories with the hash provider themselves.
  const tau2Only = options.only === 'noisy' || options.only === 'replay';
  const providers = await loadProviders(tau2Only ? [] : options.providers);
  log(`providers: ${[...providers.keys()].join(', ') || 'none (BM25 only)'}`);
  const dir = await mkdtemp(join(tmpdir(), 'slmem-eval-'));
  try {
    if (options.tune) await tune(datasets, dir, options, { providers, memo: new Map() });
    else if (options.only === 'replay') await runReplay(datasets, dir, options);
    else await evaluate(datasets, dir, options, { providers });
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
    for (const provider of providers.values()) await provider.close?.();
  }
}

process.exitCode = await main();
