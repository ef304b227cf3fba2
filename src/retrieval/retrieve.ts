import { contentTokens, type Episode, type Heuristic, type Pattern } from '../core/index.js';
import {
  ANY_FEATURE,
  predictionMatch,
  predictTools,
  type ToolModel,
  taskFeatures,
} from '../learning/index.js';
import { describeSimilarity, embedQuery, type RetrievalEnvironment } from './environment.js';
import { fuse } from './fusion.js';
import { diversify } from './mmr.js';
import { rankHeuristics, rankPatterns } from './related.js';
import {
  combineSignals,
  contextMatch,
  type QueryContext,
  rankByScore,
  recencyScore,
  type Signals,
  sharesDomain,
} from './scoring.js';

export interface RetrievalQuery {
  task: string;
  context?: QueryContext;
  limit?: number;
  /** Episodes never returned: the memory asking itself about one of its own episodes (leave-one-out). */
  exclude?: ReadonlySet<string>;
}

export interface RetrievedEpisode {
  episode: Episode;
  /** In [0, 1]; higher is more relevant. */
  score: number;
  signals: Signals;
  /** A short sentence: which signals put the episode here. */
  why: string;
}

export interface RetrievedPattern {
  pattern: Pattern;
  score: number;
}

export interface RetrievedHeuristic {
  heuristic: Heuristic;
  score: number;
}

export interface RetrievalResult {
  episodes: RetrievedEpisode[];
  patterns: RetrievedPattern[];
  heuristics: RetrievedHeuristic[];
  /** Which tools the task's words predict, learned from every completed episode (best first). */
  toolModel: ToolModel;
}

/** Finds past episodes for a task (BM25 + vectors, fused, re-ranked, diversified), then what they taught. */
export async function retrieve(
  env: RetrievalEnvironment,
  query: RetrievalQuery,
  options: { steps?: boolean } = {},
): Promise<RetrievalResult> {
  const { storage, settings } = env;
  const limit = query.limit ?? 5;
  const context = query.context ?? {};
  const pool = Math.max(limit, settings.candidatePool);

  const features = taskFeatures(query.task, context);
  const vector = await embedQuery(env, query.task);
  // One call for every source, one for what ranking needs: two round trips to a server, not seven.
  const hits = await storage.findCandidates({
    ...(settings.mode === 'vector'
      ? {}
      : { text: { text: query.task, limit: pool, index: settings.textIndex } }),
    ...(vector && env.embedder ? { vector: { provider: env.embedder.id, vector, limit: pool } } : {}),
    // Domain is a strong signal, not a filter: recent episodes of the same domain compete even without a match.
    ...(context.domain === undefined
      ? {}
      : { recent: { domain: context.domain, limit: Math.ceil(pool / 5) } }),
    toolCounts: {
      ...(context.domain === undefined ? {} : { domain: context.domain }),
      features: [ANY_FEATURE, ...features],
    },
  });
  const excluded = (h: { id: string }) => !query.exclude?.has(h.id);
  const lexical = hits.lexical.filter(excluded);
  const similar = hits.similar.filter(excluded);
  const recent = query.exclude ? hits.recent.filter((id) => !query.exclude?.has(id)) : hits.recent;
  const toolModel = predictTools(hits.toolCounts, features);
  const relevance = fuse(lexical, similar, settings);
  const ids = [...new Set([...relevance.keys(), ...recent])];
  const diversifying = settings.mmrLambda < 1 && env.embedder !== undefined && ids.length > limit;
  // Ranking reads a few columns of each candidate (60-100); only the few returned are read whole.
  const cheap = await storage.candidateFacts({ ids, effectiveness: false });
  const partial = cheap.episodes.map((facts) => ({
    id: facts.id,
    signals: {
      relevance: relevance.get(facts.id) ?? 0,
      context: contextMatch(
        context,
        {
          domain: facts.domain,
          language: facts.language,
          framework: facts.framework,
          tags: facts.contextTags,
        },
        facts.tags,
      ),
      reward: facts.reward ?? 0,
      recency: recencyScore(facts.at, env.now, settings.weights.recencyHalfLifeDays),
      effectiveness: 0,
      prediction: 0,
    } satisfies Signals,
  }));
  const finalists = boundFinalists(partial, diversifying ? limit * 3 : limit, settings);
  // Pattern effectiveness and tools (the costly reads) only for the candidates that can still make the cut.
  const extra =
    finalists.length === 0
      ? undefined
      : await storage.candidateFacts({
          ids: finalists.map((f) => f.id),
          usedTools: settings.weights.prediction > 0 && toolModel.length > 0,
          ...(diversifying && env.embedder ? { vectorsOf: env.embedder.id } : {}),
        });
  const effectiveness = new Map(extra?.episodes.map((f) => [f.id, f.patternEffectiveness ?? null]));
  const scored = finalists.map(({ id, signals: known }) => {
    const signals: Signals = {
      ...known,
      effectiveness: effectiveness.get(id) ?? 0.5,
      prediction: predictionMatch(toolModel, new Set(extra?.usedTools.get(id))),
    };
    return {
      item: { id, signals },
      score: settings.rerank ? combineSignals(signals, settings.weights) : signals.relevance,
    };
  });
  const ranked = rankByScore(scored, (c) => c.id);
  const chosen = diversifyTop(env, ranked, limit, extra?.vectors ?? new Map());
  const whole = await storage.loadChosen({
    ids: chosen.map((c) => c.item.id),
    ...(options.steps ? { steps: true } : {}),
  });
  const byId = new Map(whole.episodes.map((e) => [e.id, e]));

  const lexicalIds = new Set(lexical.map((h) => h.id));
  const similarity = new Map(similar.map((h) => [h.id, h.score]));
  const queryTerms = new Set(contentTokens(query.task));
  const episodes = chosen.flatMap(({ item, score }) => {
    const episode = byId.get(item.id);
    if (!episode) return []; // deleted between the two reads
    return [
      {
        episode,
        score: round(score),
        signals: item.signals,
        why: explain(
          episode,
          { lexical: lexicalIds.has(item.id), similarity: similarity.get(item.id) },
          item.signals,
          queryTerms,
          context,
        ),
      },
    ];
  });
  const patternsById = new Map(whole.patterns.map((p) => [p.id, p]));
  const patterns = rankPatterns(patternsById, episodes);
  const heuristics = rankHeuristics(whole.heuristics, episodes);
  return { episodes, patterns, heuristics, toolModel };
}

/**
 * The candidates that can still be among the best `keep` once pattern effectiveness and tool prediction (each
 * in [0, 1]) are known: a candidate whose best possible score is below the `keep`-th best of the worst
 * possible scores cannot, so it is dropped without reading them. Exact: the ranking is what scoring every
 * candidate in full gives. Without re-ranking the order is relevance alone, and the best `keep` are kept.
 */
export function boundFinalists<T extends { id: string; signals: Signals }>(
  partial: readonly T[],
  keep: number,
  settings: RetrievalEnvironment['settings'],
): T[] {
  if (partial.length <= keep) return [...partial];
  if (!settings.rerank) {
    return rankByScore(
      partial.map((p) => ({ item: p, score: p.signals.relevance })),
      (p) => p.id,
    )
      .slice(0, keep)
      .map((r) => r.item);
  }
  const w = settings.weights;
  const total = w.relevance + w.context + w.reward + w.recency + w.effectiveness + w.prediction;
  // The bound needs both weights >= 0 (then the two signals can only raise a score).
  if (total <= 0 || w.effectiveness < 0 || w.prediction < 0) return [...partial];
  const slack = (w.effectiveness + w.prediction) / total;
  const low = partial.map((p) => combineSignals(p.signals, w));
  const bar = [...low].sort((a, b) => b - a)[keep - 1] ?? 0;
  return partial.filter((_, i) => Math.min(1, (low[i] ?? 0) + slack) >= bar);
}

type Scored = { item: { id: string; signals: Signals }; score: number };

/** MMR over the best few candidates, using their vectors; without vectors the ranking stands. */
function diversifyTop(
  env: RetrievalEnvironment,
  ranked: Scored[],
  limit: number,
  vectors: ReadonlyMap<string, Float32Array>,
): Scored[] {
  if (env.settings.mmrLambda >= 1 || !env.embedder || ranked.length <= limit) return ranked.slice(0, limit);
  const top = ranked.slice(0, limit * 3);
  return diversify(
    top.map((c) => ({
      item: c,
      id: c.item.id,
      score: c.score,
      vector: vectors.get(c.item.id),
    })),
    { lambda: env.settings.mmrLambda, limit },
  ).map((c) => c.item);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function explain(
  episode: Episode,
  matched: { lexical: boolean; similarity: number | undefined },
  signals: Signals,
  queryTerms: Set<string>,
  context: QueryContext,
): string {
  const parts: string[] = [];
  if (matched.lexical) {
    const text = `${episode.task} ${episode.summary?.keyConcepts.join(' ') ?? ''}`;
    const shared = [...new Set(contentTokens(text))].filter((t) => queryTerms.has(t)).slice(0, 5);
    parts.push(shared.length > 0 ? `shares words: ${shared.join(', ')}` : 'matches the text');
  }
  if (matched.similarity !== undefined && matched.similarity > 0) {
    parts.push(describeSimilarity(matched.similarity));
  }
  if (sharesDomain(context, episode)) parts.push(`same domain (${episode.context.domain})`);
  else if (signals.context > 0) parts.push('similar context');
  if (episode.outcome)
    parts.push(`${episode.outcome.status}, reward ${(episode.reward?.total ?? 0).toFixed(2)}`);
  if (signals.recency >= 0.9) parts.push('recent');
  if (signals.effectiveness > 0.6) parts.push('its patterns helped before');
  if (signals.prediction >= 0.5) parts.push('used the tools this task calls for');
  return parts.join('; ');
}
