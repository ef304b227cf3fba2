import { contentTokens, type Episode, type Heuristic, type Pattern } from '../core/index.js';
import type { StorageBackend } from '../storage/index.js';
import {
  combineSignals,
  contextMatch,
  normalizeByMax,
  type QueryContext,
  type Ranked,
  type RetrievalWeights,
  rankByScore,
  recencyScore,
  type Signals,
  sharesDomain,
} from './scoring.js';

export interface RetrievalQuery {
  task: string;
  context?: QueryContext;
  limit?: number;
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
}

export interface RetrieveOptions {
  weights: RetrievalWeights;
  now: number;
  /** How many lexical candidates to re-rank (at least `limit`). */
  candidatePool?: number;
  /** Load steps of the returned episodes (the playbook needs them). */
  steps?: boolean;
}

/** Finds past episodes for a task, then the patterns and heuristics they taught, ranked. */
export async function retrieve(
  storage: StorageBackend,
  query: RetrievalQuery,
  options: RetrieveOptions,
): Promise<RetrievalResult> {
  const limit = query.limit ?? 5;
  const context = query.context ?? {};
  const pool = Math.max(limit, options.candidatePool ?? 50);

  const hits = await storage.searchEpisodes({ text: query.task, limit: pool });
  const normalized = normalizeByMax(hits.map((h) => h.score));
  const lexical = new Map(hits.map((h, i) => [h.id, normalized[i] ?? 0]));

  // Domain is a strong signal, not a filter: recent episodes of the same domain compete even without shared words.
  const ids = new Set(hits.map((h) => h.id));
  if (context.domain !== undefined) {
    for (const id of await storage.recentEpisodeIds({ domain: context.domain, limit: Math.ceil(pool / 5) }))
      ids.add(id);
  }
  const candidates = await storage.getEpisodes([...ids], { steps: options.steps ?? false });

  const queryTerms = new Set(contentTokens(query.task));
  const ranked = rankByScore(
    candidates.map((episode) => {
      const signals: Signals = {
        lexical: lexical.get(episode.id) ?? 0,
        context: contextMatch(context, episode.context, episode.tags),
        reward: episode.reward?.total ?? 0,
        recency: recencyScore(
          Date.parse(episode.endedAt ?? episode.startedAt),
          options.now,
          options.weights.recencyHalfLifeDays,
        ),
      };
      return { item: { episode, signals }, score: combineSignals(signals, options.weights) };
    }),
    (c) => c.episode.id,
  ).slice(0, limit);

  const episodes = ranked.map(({ item, score }) => ({
    episode: item.episode,
    score: round(score),
    signals: item.signals,
    why: explain(item.episode, item.signals, queryTerms, context),
  }));
  const [patterns, heuristics] = await Promise.all([
    rankPatterns(storage, episodes),
    rankHeuristics(storage, episodes),
  ]);
  return { episodes, patterns, heuristics };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function explain(episode: Episode, signals: Signals, queryTerms: Set<string>, context: QueryContext): string {
  const parts: string[] = [];
  if (signals.lexical > 0) {
    const text = `${episode.task} ${episode.summary?.keyConcepts.join(' ') ?? ''}`;
    const shared = [...new Set(contentTokens(text))].filter((t) => queryTerms.has(t)).slice(0, 5);
    parts.push(shared.length > 0 ? `shares words: ${shared.join(', ')}` : 'matches the text');
  }
  if (sharesDomain(context, episode)) parts.push(`same domain (${episode.context.domain})`);
  else if (signals.context > 0) parts.push('similar context');
  if (episode.outcome)
    parts.push(`${episode.outcome.status}, reward ${(episode.reward?.total ?? 0).toFixed(2)}`);
  if (signals.recency >= 0.9) parts.push('recent');
  return parts.join('; ');
}

/**
 * Patterns taught by the retrieved episodes: how relevant those episodes are (summed), times how well and how
 * often the pattern worked; scaled so the best is 1.
 */
async function rankPatterns(
  storage: StorageBackend,
  episodes: RetrievedEpisode[],
): Promise<RetrievedPattern[]> {
  const support = supportById(episodes, (e) => e.patternIds);
  const patterns = await storage.getPatterns([...support.keys()]);
  const raw = patterns.map(
    (p) => (support.get(p.id) ?? 0) * (0.5 + 0.5 * p.successRate) * Math.log2(1 + p.occurrences),
  );
  return topNormalized(patterns, raw, (p) => p.id).map(({ item, score }) => ({ pattern: item, score }));
}

/** Rules taught by the retrieved episodes, by their support times their confidence; scaled so the best is 1. */
async function rankHeuristics(
  storage: StorageBackend,
  episodes: RetrievedEpisode[],
): Promise<RetrievedHeuristic[]> {
  const support = supportById(episodes, (e) => e.heuristicIds);
  const heuristics = await storage.getHeuristics([...support.keys()]);
  const raw = heuristics.map((h) => (support.get(h.id) ?? 0) * h.confidence);
  return topNormalized(heuristics, raw, (h) => h.id).map(({ item, score }) => ({ heuristic: item, score }));
}

/** The best `limit` items, their scores divided by the best so every score a caller sees is in [0, 1]. */
function topNormalized<T>(
  items: readonly T[],
  raw: readonly number[],
  id: (item: T) => string,
  limit = 10,
): Ranked<T>[] {
  const scores = normalizeByMax(raw);
  return rankByScore(
    items.map((item, i) => ({ item, score: round(scores[i] ?? 0) })),
    id,
  ).slice(0, limit);
}

function supportById(episodes: RetrievedEpisode[], ids: (e: Episode) => string[]): Map<string, number> {
  const support = new Map<string, number>();
  for (const { episode, score } of episodes) {
    for (const id of ids(episode)) support.set(id, (support.get(id) ?? 0) + score);
  }
  return support;
}
