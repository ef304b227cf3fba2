import type { Episode, TaskContext } from '../core/index.js';

/** Weights of the signals that rank a candidate episode; they need not sum to 1 (scores are divided by the sum). */
export interface RetrievalWeights {
  /** How well the text matches: the fused BM25 and vector ranks, scaled so the best candidate is 1. */
  relevance: number;
  /** How well the episode's context matches the query's (domain, language, framework, tags). */
  context: number;
  /** The episode's reward. */
  reward: number;
  /** Exponential decay of age, see `recencyHalfLifeDays`. */
  recency: number;
  /** Mean effectiveness of the episode's patterns, from agents' feedback (0.5 when there is none). */
  effectiveness: number;
  /** How well the episode's tools match what the task's words predict (the learned tool model). */
  prediction: number;
  recencyHalfLifeDays: number;
}

/**
 * Chosen on the evaluation sets together (`npm run eval`, eval/README.md): relevance first; reward, recency
 * and the learned tool prediction only break near-ties. With reward 0.1 and recency 0.05 the re-rank lost to
 * its own first stage (the fused relevance) on tau-retail (MRR@10 0.408 against 0.421) and on the noisy
 * banking runs (0.547 against 0.598): a failed run of the same task is as relevant as a success, and the
 * playbook already weighs outcomes itself.
 */
export const DEFAULT_RETRIEVAL_WEIGHTS: RetrievalWeights = {
  relevance: 0.6,
  context: 0.2,
  reward: 0.02,
  recency: 0.01,
  effectiveness: 0.05,
  prediction: 0.05,
  recencyHalfLifeDays: 30,
};

/** Weights inside the context signal; a field the query leaves out does not count. */
export const CONTEXT_FIELD_WEIGHTS = { domain: 0.5, language: 0.2, framework: 0.15, tags: 0.15 } as const;

export interface QueryContext {
  domain?: string;
  language?: string;
  framework?: string;
  tags?: string[];
}

export interface Signals {
  relevance: number;
  context: number;
  reward: number;
  recency: number;
  effectiveness: number;
  prediction: number;
}

/** Divides each value by the largest; all zeros (or an empty list) stay zeros. */
export function normalizeByMax(values: readonly number[]): number[] {
  let max = 0;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  return values.map((v) => (max > 0 && Number.isFinite(v) && v > 0 ? v / max : 0));
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Share of the query's context that the episode matches, in [0, 1]; 0 when the query gives no context. */
export function contextMatch(
  query: QueryContext,
  context: Pick<TaskContext, 'domain' | 'language' | 'framework' | 'tags'>,
  episodeTags: readonly string[] = [],
): number {
  let total = 0;
  let matched = 0;
  if (query.domain !== undefined) {
    total += CONTEXT_FIELD_WEIGHTS.domain;
    if (sameText(query.domain, context.domain)) matched += CONTEXT_FIELD_WEIGHTS.domain;
  }
  if (query.language !== undefined) {
    total += CONTEXT_FIELD_WEIGHTS.language;
    if (sameText(query.language, context.language)) matched += CONTEXT_FIELD_WEIGHTS.language;
  }
  if (query.framework !== undefined) {
    total += CONTEXT_FIELD_WEIGHTS.framework;
    if (sameText(query.framework, context.framework)) matched += CONTEXT_FIELD_WEIGHTS.framework;
  }
  if (query.tags !== undefined && query.tags.length > 0) {
    total += CONTEXT_FIELD_WEIGHTS.tags;
    const have = new Set([...context.tags, ...episodeTags]);
    const shared = query.tags.filter((t) => have.has(t)).length;
    const union = new Set([...query.tags, ...have]).size;
    matched += CONTEXT_FIELD_WEIGHTS.tags * (union === 0 ? 0 : shared / union);
  }
  return total === 0 ? 0 : matched / total;
}

/** 1 for now, 0.5 after one half-life, towards 0 with age; future times count as now. */
export function recencyScore(endedAtMs: number, nowMs: number, halfLifeDays: number): number {
  if (!Number.isFinite(endedAtMs) || halfLifeDays <= 0) return 0;
  const ageDays = Math.max(0, nowMs - endedAtMs) / 86_400_000;
  return 0.5 ** (ageDays / halfLifeDays);
}

/** Weighted mean of the signals, in [0, 1] when every signal is. */
export function combineSignals(signals: Signals, weights: RetrievalWeights): number {
  const sum =
    weights.relevance +
    weights.context +
    weights.reward +
    weights.recency +
    weights.effectiveness +
    weights.prediction;
  if (sum <= 0) return 0;
  const score =
    signals.relevance * weights.relevance +
    signals.context * weights.context +
    signals.reward * weights.reward +
    signals.recency * weights.recency +
    signals.effectiveness * weights.effectiveness +
    signals.prediction * weights.prediction;
  return Math.min(1, Math.max(0, score / sum));
}

export interface Ranked<T> {
  item: T;
  score: number;
}

/** Sorts by score, best first; ties keep a stable order by `tieKey` so results never flicker. */
export function rankByScore<T>(items: readonly Ranked<T>[], tieKey: (item: T) => string): Ranked<T>[] {
  return [...items].sort((a, b) => {
    if (b.score !== a.score) return b.score - a.score;
    const ka = tieKey(a.item);
    const kb = tieKey(b.item);
    return ka < kb ? 1 : ka > kb ? -1 : 0;
  });
}

/** Whether the episode shares the query's domain, used by `why`. */
export function sharesDomain(query: QueryContext, episode: Episode): boolean {
  return sameText(query.domain, episode.context.domain);
}
