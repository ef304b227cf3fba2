/**
 * `npm run eval`: retrieval quality of the memory on public data (webarena-intents, tau-retail), one row per
 * retrieval configuration; writes eval/results.json. See eval/README.md.
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
import { tune } from './tune.js';

const USAGE = `usage: npm run eval -- [--only webarena|tau] [--providers hash,use] [--quick] [--tune]
  --only DATASET    one dataset: webarena or tau (default: both)
  --providers LIST  embedding providers to compare, of: ${PROVIDERS.join(', ')} (default: all)
  --quick           a subset of the queries (one in four); eval/results.json is not written
  --tune            grid-search fusion and re-ranking settings on tuning data only, report held-out figures`;

export interface EvalOptions {
  only: 'webarena' | 'tau' | undefined;
  providers: Provider[];
  quick: boolean;
}

function parseOptions(argv: string[]): EvalOptions & { tune: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      providers: { type: 'string' },
      quick: { type: 'boolean', default: false },
      tune: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only;
  if (only !== undefined && only !== 'webarena' && only !== 'tau') {
    throw new Error(`--only must be webarena or tau, not ${JSON.stringify(only)}`);
  }
  const names = values.providers?.split(',').map((p) => p.trim()) ?? [...PROVIDERS];
  const known: readonly string[] = PROVIDERS;
  const unknown = names.filter((p) => !known.includes(p));
  if (unknown.length > 0)
    throw new Error(`unknown provider ${unknown.join(', ')}; use ${PROVIDERS.join(', ')}`);
  return { only, providers: names as Provider[], quick: values.quick, tune: values.tune };
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
  const providers = await loadProviders(options.providers);
  log(`providers: ${[...providers.keys()].join(', ') || 'none (BM25 only)'}`);
  const dir = await mkdtemp(join(tmpdir(), 'slmem-eval-'));
  try {
    if (options.tune) await tune(datasets, dir, options, { providers, memo: new Map() });
    else await evaluate(datasets, dir, options, { providers });
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
    for (const provider of providers.values()) await provider.close?.();
  }
}

process.exitCode = await main();
