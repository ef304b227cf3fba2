/**
 * The library's rows of the noisy benchmark: the defaults, a BM25-only retrieval row, and one ablation per
 * ranking signal or learned playbook component. Options are plain objects cast to `MemoryOptions` where the
 * memory is opened, so that options the library does not know yet (or no longer knows) still type-check; an
 * unknown option is ignored by `SelfLearningMemory.open`, and the row then equals `slmem`.
 */
import type { MemoryOptions } from '../../src/index.js';

/** One library row: a name and the options merged over the benchmark's base options. */
export interface LibraryRow {
  name: string;
  /** What the row turns off, for the README and the results file. */
  note: string;
  options: Record<string, unknown>;
}

const weight = (signal: string, note: string): LibraryRow => ({
  name: `slmem -${signal}`,
  note,
  options: { retrieval: { weights: { [signal]: 0 } } },
});

/** Every library row, defaults first. */
export const LIBRARY_ROWS: readonly LibraryRow[] = [
  { name: 'slmem', note: 'defaults, hash embeddings', options: {} },
  {
    name: 'bm25',
    note: 'retrieval by BM25 alone: mode lexical, no re-ranking, no MMR, no embeddings',
    options: { embeddings: false, retrieval: { mode: 'lexical', rerank: false, mmrLambda: 1 } },
  },
  weight('context', 'ranking without the context match'),
  weight('reward', 'ranking without the reward'),
  weight('recency', 'ranking without recency'),
  weight('effectiveness', 'ranking without feedback effectiveness'),
  weight('prediction', 'ranking without the learned word→tool prediction'),
  {
    name: 'slmem -rerank',
    note: 'first stage alone (fused relevance)',
    options: { retrieval: { rerank: false } },
  },
  {
    name: 'slmem -consensus',
    note: 'playbook follows the best episode only',
    options: { playbook: { consensus: false } },
  },
  {
    name: 'slmem -toolModel',
    note: 'playbook without the word→tool model',
    options: { playbook: { toolModel: false } },
  },
  {
    name: 'slmem -failures',
    note: 'failed episodes not used as negative evidence',
    options: { playbook: { failures: false } },
  },
];

/** The rows `--quick` runs: the defaults and BM25. */
export const QUICK_ROWS: readonly string[] = ['slmem', 'bm25'];

/**
 * The options a row opens its memory with: the base (store, clock, cache, embeddings) with the row's options
 * over it, `retrieval` merged one level deep so a row can change one weight.
 */
export function rowOptions(row: LibraryRow, base: MemoryOptions): MemoryOptions {
  const own = row.options as Partial<MemoryOptions> & Record<string, unknown>;
  return {
    ...base,
    ...own,
    ...(own.retrieval ? { retrieval: { ...base.retrieval, ...own.retrieval } } : {}),
  } as MemoryOptions;
}
