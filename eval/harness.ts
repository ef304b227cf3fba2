import { performance } from 'node:perf_hooks';
import { createEmbeddingProvider, type EmbeddingProvider } from '../src/embeddings/index.js';
import { fixedClock, SelfLearningMemory } from '../src/index.js';
import type { EvalConfig, Provider, RetrievalOptions } from './configs.js';
import { mean, percentile } from './metrics.js';
import type { StoreSet } from './stores.js';

/** One query's figures. A metric left out does not count in its mean (say, no relevant episode exists). */
export interface QueryScore {
  metrics: Record<string, number>;
  /** Time of the `retrieve` call, in milliseconds. */
  ms: number;
}

/** A dataset turned into episodes to remember and queries to score. */
export interface Suite<Q> {
  name: string;
  queries: readonly Q[];
  /** The metric columns, in table order. */
  metrics: readonly string[];
  score(memory: SelfLearningMemory, query: Q): Promise<QueryScore>;
  /** Which store (of those given to `runConfig`) a query runs against; 0 when there is one. */
  fold?(query: Q): number;
}

export interface Summary {
  queries: number;
  metrics: Record<string, number>;
  /** How many queries each metric was averaged over. */
  counts: Record<string, number>;
  ms: { p50: number; p95: number; mean: number };
}

export function summarize(metrics: readonly string[], scores: readonly QueryScore[]): Summary {
  const summary: Summary = {
    queries: scores.length,
    metrics: {},
    counts: {},
    ms: {
      p50: percentile(
        scores.map((s) => s.ms),
        50,
      ),
      p95: percentile(
        scores.map((s) => s.ms),
        95,
      ),
      mean: 0,
    },
  };
  summary.ms.mean = mean(scores.map((s) => s.ms));
  for (const name of metrics) {
    const values = scores.flatMap((s) => s.metrics[name] ?? []);
    summary.metrics[name] = mean(values);
    summary.counts[name] = values.length;
  }
  return summary;
}

/** One instant for every run, so the re-ranker's recency signal gives the same figures each time. */
const EVAL_NOW = Date.UTC(2026, 1, 1);

export const log = (message: string) => process.stderr.write(`eval: ${message}\n`);

export type LoadedProviders = Map<Provider, EmbeddingProvider>;

/** Creates each provider and embeds one text with it; one that fails is reported and left out. */
export async function loadProviders(names: readonly Provider[]): Promise<LoadedProviders> {
  const loaded: LoadedProviders = new Map();
  for (const name of names) {
    const provider = createEmbeddingProvider({ provider: name });
    try {
      await provider.embed(['probe']);
      loaded.set(name, provider);
    } catch (error) {
      log(`provider ${name} is not available, skipped: ${error instanceof Error ? error.message : error}`);
      await provider.close?.();
    }
  }
  return loaded;
}

/**
 * The provider without its `close`, so closing one memory does not unload a model the next one uses. With
 * `memo`, texts embedded once are served from memory (for `--tune`, where timings are not reported).
 */
function borrow(provider: EmbeddingProvider, memo?: Map<string, Float32Array>): EmbeddingProvider {
  if (!memo)
    return { id: provider.id, dimensions: provider.dimensions, embed: (texts) => provider.embed(texts) };
  return {
    id: provider.id,
    dimensions: provider.dimensions,
    async embed(texts) {
      const missing = [...new Set(texts.filter((t) => !memo.has(t)))];
      const vectors = await provider.embed(missing);
      missing.forEach((text, i) => {
        memo.set(text, vectors[i]!);
      });
      return texts.map((t) => memo.get(t)!);
    },
  };
}

export interface RunEnvironment {
  providers: LoadedProviders;
  /** Shared query-vector memo per provider, or undefined to embed every query anew (honest timings). */
  memo?: Map<Provider, Map<string, Float32Array>>;
}

/** A memory on a store file with one provider (or none) and one retrieval setup; no result cache. */
export async function openMemory(
  db: string,
  provider: Provider | null,
  retrieval: RetrievalOptions,
  env: RunEnvironment,
): Promise<SelfLearningMemory> {
  const embedder = provider ? env.providers.get(provider) : undefined;
  if (provider && !embedder) throw new Error(`provider ${provider} is not loaded`);
  let memo: Map<string, Float32Array> | undefined;
  if (provider && env.memo) {
    memo = env.memo.get(provider) ?? new Map();
    env.memo.set(provider, memo);
  }
  return SelfLearningMemory.open({
    db,
    embeddings: embedder ? borrow(embedder, memo) : false,
    retrieval,
    queryCache: false,
    clock: fixedClock(EVAL_NOW),
    log: (message) => log(`slmem: ${message}`),
  });
}

/** Scores every query of the suite with one configuration, on memories opened for it (one per fold). */
export async function runConfig<Q>(
  stores: StoreSet,
  suite: Suite<Q>,
  config: EvalConfig,
  env: RunEnvironment,
): Promise<QueryScore[]> {
  const started = performance.now();
  const files = stores.get(config.provider);
  if (!files) throw new Error(`${suite.name}: no store for ${config.provider ?? 'BM25'}`);
  const scores: Array<QueryScore | undefined> = suite.queries.map(() => undefined);
  for (const [fold, db] of files.entries()) {
    const memory = await openMemory(db, config.provider, config.retrieval, env);
    try {
      for (const [i, query] of suite.queries.entries()) {
        if ((suite.fold?.(query) ?? 0) === fold) scores[i] = await suite.score(memory, query);
      }
    } finally {
      await memory.close();
    }
  }
  const done = scores.filter((s) => s !== undefined);
  if (done.length !== scores.length) throw new Error(`${suite.name}: some queries have no store`);
  log(`${suite.name}: ${config.name}: ${done.length} queries in ${seconds(started)}`);
  return done;
}

/** Times an async call in milliseconds. */
export async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await call();
  return { value, ms: performance.now() - start };
}

export function seconds(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}
