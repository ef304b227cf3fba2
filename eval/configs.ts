import type { MemoryOptions } from '../src/index.js';

/** The embedding providers that run offline, without a key or a model download. */
export const PROVIDERS = ['hash', 'use'] as const;
export type Provider = (typeof PROVIDERS)[number];

export type RetrievalOptions = NonNullable<MemoryOptions['retrieval']>;

/** One row of a table: a named retrieval setup. */
export interface EvalConfig {
  name: string;
  /** `null`: no embeddings at all, BM25 alone. */
  provider: Provider | null;
  retrieval: RetrievalOptions;
}

/**
 * Rank by the fused relevance alone: no re-ranking and no MMR. The library applies MMR even with
 * `rerank: false`, so it has to be turned off explicitly (`mmrLambda: 1`) to compare the candidate sources.
 */
const PLAIN: RetrievalOptions = { rerank: false, mmrLambda: 1 };

/** The rows of the default table; the last row of each provider is the library's defaults untouched. */
export function standardConfigs(providers: readonly Provider[]): EvalConfig[] {
  return [
    { name: 'bm25', provider: null, retrieval: { ...PLAIN, mode: 'lexical' } },
    ...providers.flatMap((p): EvalConfig[] => [
      { name: `vectors:${p}`, provider: p, retrieval: { ...PLAIN, mode: 'vector' } },
      { name: `hybrid-rrf:${p}`, provider: p, retrieval: { ...PLAIN, mode: 'hybrid', fusion: 'rrf' } },
      {
        name: `hybrid-weighted:${p}`,
        provider: p,
        retrieval: { ...PLAIN, mode: 'hybrid', fusion: 'weighted' },
      },
      { name: `hybrid+rerank:${p}`, provider: p, retrieval: {} },
    ]),
  ];
}

/** The library's defaults for a provider (the baseline a tuned setting has to beat). */
export function defaultConfig(provider: Provider): EvalConfig {
  return { name: `defaults:${provider}`, provider, retrieval: {} };
}

const RATIOS = [
  { label: 'l1:v1', lexicalWeight: 1, vectorWeight: 1 },
  { label: 'l1:v2', lexicalWeight: 1, vectorWeight: 2 },
  { label: 'l2:v1', lexicalWeight: 2, vectorWeight: 1 },
] as const;

const RERANKS: ReadonlyArray<{ label: string; retrieval: RetrievalOptions }> = [
  { label: 'rerank=default', retrieval: { rerank: true } },
  {
    label: 'rerank=relevance.8',
    retrieval: {
      rerank: true,
      weights: { relevance: 0.8, context: 0.1, reward: 0.05, recency: 0.025, effectiveness: 0.025 },
    },
  },
  { label: 'rerank=off', retrieval: { rerank: false } },
];

/**
 * The grid `--tune` searches (54 settings, all hybrid). The library's defaults (rrf, l1:v1, mmr 1,
 * rerank=default) come first, so that a tie keeps them.
 */
export function tuningGrid(provider: Provider): EvalConfig[] {
  const grid: EvalConfig[] = [];
  for (const fusion of ['rrf', 'weighted'] as const)
    for (const ratio of RATIOS)
      for (const mmrLambda of [1, 0.9, 0.8])
        for (const rerank of RERANKS) {
          grid.push({
            name: `${fusion} ${ratio.label} mmr${mmrLambda} ${rerank.label}`,
            provider,
            retrieval: {
              mode: 'hybrid',
              fusion,
              lexicalWeight: ratio.lexicalWeight,
              vectorWeight: ratio.vectorWeight,
              mmrLambda,
              ...rerank.retrieval,
            },
          });
        }
  return grid;
}
