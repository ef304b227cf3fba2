import type { Heuristic, Pattern, PatternType } from '../core/index.js';
import { describeSimilarity, type RetrievalEnvironment, vectorHits } from './environment.js';
import { fuse } from './fusion.js';
import type { RetrievedEpisode, RetrievedHeuristic, RetrievedPattern } from './retrieve.js';
import { normalizeByMax, type QueryContext, type Ranked, rankByScore } from './scoring.js';

/**
 * Patterns taught by the retrieved episodes: how relevant those episodes are (summed), times how well and how
 * often the pattern worked; scaled so the best is 1. `loaded` holds the candidates' patterns, read once.
 */
export function rankPatterns(
  loaded: ReadonlyMap<string, Pattern>,
  episodes: readonly RetrievedEpisode[],
): RetrievedPattern[] {
  const support = supportById(episodes, (e) => e.episode.patternIds);
  const patterns = [...support.keys()].flatMap((id) => loaded.get(id) ?? []);
  const raw = patterns.map((p) => (support.get(p.id) ?? 0) * quality(p));
  return topNormalized(patterns, raw, (p) => p.id).map(({ item, score }) => ({ pattern: item, score }));
}

/**
 * Rules taught by the retrieved episodes, by their support times their confidence; scaled so the best is 1.
 * `loaded` holds the candidates' heuristics, read once.
 */
export function rankHeuristics(
  loaded: readonly Heuristic[],
  episodes: readonly RetrievedEpisode[],
): RetrievedHeuristic[] {
  const support = supportById(episodes, (e) => e.episode.heuristicIds);
  const heuristics = loaded.filter((h) => support.has(h.id));
  const raw = heuristics.map((h) => (support.get(h.id) ?? 0) * h.confidence);
  return topNormalized(heuristics, raw, (h) => h.id).map(({ item, score }) => ({ heuristic: item, score }));
}

export interface PatternQuery {
  text: string;
  context?: QueryContext;
  type?: PatternType;
  limit?: number;
}

export interface FoundPattern extends RetrievedPattern {
  why: string;
}

/**
 * Pattern search by meaning and words: BM25 over descriptions and signatures fused with vector similarity,
 * then weighted by how well and how often each pattern worked and whether its domain matches.
 */
export async function searchPatterns(
  env: RetrievalEnvironment,
  query: PatternQuery,
): Promise<FoundPattern[]> {
  const { storage, settings } = env;
  const pool = Math.max(query.limit ?? 10, settings.candidatePool);
  const [lexical, similar] = await Promise.all([
    settings.mode === 'vector' ? [] : storage.searchPatterns({ text: query.text, limit: pool }),
    vectorHits(env, 'pattern', query.text, pool),
  ]);
  const relevance = fuse(lexical, similar, settings);
  const patterns = (await storage.getPatterns([...relevance.keys()])).filter(
    (p) => !query.type || p.type === query.type,
  );
  const domain = query.context?.domain?.toLowerCase();
  const raw = patterns.map((p) => {
    const domainFactor = domain === undefined ? 1 : p.context.domain.toLowerCase() === domain ? 1 : 0.6;
    return (
      (relevance.get(p.id) ?? 0) * (0.6 + (0.4 * quality(p)) / Math.log2(2 + p.occurrences)) * domainFactor
    );
  });
  const lexicalIds = new Set(lexical.map((h) => h.id));
  const similarity = new Map(similar.map((h) => [h.id, h.score]));
  return topNormalized(patterns, raw, (p) => p.id, query.limit ?? 10).map(({ item, score }) => {
    const parts = [
      ...(lexicalIds.has(item.id) ? ['shares words'] : []),
      ...(similarity.has(item.id) ? [describeSimilarity(similarity.get(item.id)!)] : []),
      `${Math.round(item.successRate * 100)}% success over ${item.occurrences}`,
    ];
    return { pattern: item, score, why: parts.join('; ') };
  });
}

/** How well and how often a pattern worked, with agents' feedback: grows with evidence, saturating slowly. */
function quality(p: Pattern): number {
  return (0.5 + 0.5 * p.successRate) * (0.5 + p.effectiveness) * Math.log2(1 + p.occurrences);
}

function supportById(
  episodes: readonly RetrievedEpisode[],
  ids: (e: RetrievedEpisode) => string[],
): Map<string, number> {
  const support = new Map<string, number>();
  for (const e of episodes) for (const id of ids(e)) support.set(id, (support.get(id) ?? 0) + e.score);
  return support;
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
    items.map((item, i) => ({ item, score: Math.round((scores[i] ?? 0) * 10_000) / 10_000 })),
    id,
  ).slice(0, limit);
}
