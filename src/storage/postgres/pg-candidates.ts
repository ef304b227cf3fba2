import type { Episode, Heuristic, Pattern, ToolCount } from '../../core/index.js';
import { parseRows, rowToFacts, rowToHeuristic, rowToPattern } from '../rows.js';
import type {
  CandidateHits,
  CandidateLoad,
  CandidateQuery,
  ChosenEpisodes,
  LexicalHit,
  LoadedFacts,
} from '../storage.js';
import {
  type Db,
  EPISODE_COLUMNS,
  type EpisodeWithSteps,
  Params,
  recentSql,
  STEPS_JSON,
  searchEpisodesSql,
  toEpisode,
  toolCountsSql,
  toToolCount,
} from './pg-reads.js';
import { fromVectorText, searchSql, toHits } from './pg-vectors.js';

/** The rows of `sql` as one JSON array, in the order `sql` gives them. */
const jsonRows = (sql: string): string => `(SELECT coalesce(json_agg(x), '[]'::json) FROM (${sql}) AS x)`;

/**
 * Every candidate source of a retrieval in one statement: one round trip, one snapshot. The full-text search
 * counts the words it has not counted before in the same statement (see `budgetedTerms`).
 */
export async function findCandidates(
  db: Db,
  ns: string,
  query: CandidateQuery,
  budget?: number,
): Promise<CandidateHits> {
  const p = new Params();
  const parts: string[] = [];
  const lexical = query.text ? searchEpisodesSql(p, db, ns, query.text, budget) : null;
  if (lexical !== null) parts.push(`${jsonRows(lexical.sql)} AS lexical`, `${lexical.counted} AS counted`);
  const similar = query.vector ? searchSql(p, ns, { kind: 'episode', ...query.vector }) : null;
  if (similar !== null) parts.push(`${jsonRows(similar)} AS similar`);
  if (query.recent) parts.push(`${jsonRows(recentSql(p, ns, query.recent))} AS recent`);
  if (query.toolCounts && query.toolCounts.features.length > 0) {
    parts.push(`${jsonRows(toolCountsSql(p, ns, query.toolCounts))} AS tool_counts`);
  }
  const hits: CandidateHits = { lexical: [], similar: [], recent: [], toolCounts: [] };
  if (parts.length === 0) return hits;
  const { rows } = await db.query<{
    lexical?: LexicalHit[];
    counted?: unknown;
    similar?: Array<{ id: string; distance: number | string }>;
    recent?: Array<{ id: string }>;
    tool_counts?: ToolCount[];
  }>(`${lexical ? `WITH ${lexical.ctes.join(', ')} ` : ''}SELECT ${parts.join(', ')}`, p.values);
  const row = rows[0]!;
  lexical?.remember(row.counted);
  return {
    lexical: row.lexical ?? [],
    similar: toHits(row.similar ?? []),
    recent: (row.recent ?? []).map((r) => r.id),
    toolCounts: (row.tool_counts ?? []).map(toToolCount),
  };
}

type TaughtRows = {
  patterns: Array<{ id: string; body: string }>;
  heuristics: Array<{ id: string; body: string }>;
};

/**
 * The patterns and heuristics the episodes of CTE `source` taught, as JSON columns `patterns` and `heuristics`.
 * Their ids are picked out of the stored JSON arrays by pattern: a corrupt array must not fail the statement.
 */
function taughtParts(space: string, source: string): string[] {
  const taught = (column: 'pattern_ids' | 'heuristic_ids') =>
    `SELECT m[1] FROM ${source} c, regexp_matches(c.${column}, '"([^"\\\\]*)"', 'g') AS m`;
  return [
    `${jsonRows(`SELECT id, body FROM patterns WHERE namespace = ${space} AND id IN (${taught('pattern_ids')}) ORDER BY id COLLATE "C"`)} AS patterns`,
    `${jsonRows(`SELECT id, body FROM heuristics WHERE namespace = ${space} AND id IN (${taught('heuristic_ids')}) ORDER BY id COLLATE "C"`)} AS heuristics`,
  ];
}

/** The rows of `taughtParts` that episodes which parsed name, parsed as the single reads would. */
function parseTaught(
  row: TaughtRows,
  episodes: readonly Episode[],
): { patterns: Pattern[]; heuristics: Heuristic[] } {
  const patternIds = new Set(episodes.flatMap((e) => e.patternIds));
  const heuristicIds = new Set(episodes.flatMap((e) => e.heuristicIds));
  return {
    patterns: parseRows(
      row.patterns.filter((r) => patternIds.has(r.id)),
      (r) => rowToPattern(r.body),
    ),
    heuristics: parseRows(
      row.heuristics.filter((r) => heuristicIds.has(r.id)),
      (r) => rowToHeuristic(r.body),
    ),
  };
}

/**
 * What ranking reads of each candidate, in one statement: a few columns, the mean effectiveness of the patterns
 * it taught (unless `effectiveness: false`), the tools it ran successfully and its vector (if asked), each an
 * index lookup by id. Rows of this store are trusted: arrays are read with `JSON.parse`, not validated field by
 * field (a corrupt one reads as empty), and a pattern's effectiveness is the number after its key in the body (a
 * corrupt body reads as none; found by `split_part`, a plain search: a regular expression over the whole body
 * cost ~30 µs a pattern).
 */
export async function candidateFacts(db: Db, ns: string, query: CandidateLoad): Promise<LoadedFacts> {
  const withTools = query.usedTools === true;
  const withEffectiveness = query.effectiveness !== false;
  const facts: LoadedFacts = { episodes: [], usedTools: new Map(), vectors: new Map() };
  if (query.ids.length === 0) return facts;
  const p = new Params();
  const ids = p.add([...new Set(query.ids)]);
  const space = p.add(ns);
  const tools = withTools
    ? `(SELECT json_agg(t.tool ORDER BY t.tool COLLATE "C") FROM (SELECT DISTINCT s.tool FROM steps s
         WHERE s.episode_id = e.id AND s.status = 'success') AS t)`
    : 'NULL::json';
  const effectiveness = withEffectiveness
    ? `(SELECT avg(substring(left(split_part(pt.body, '"effectiveness":', 2), 32)
                 FROM '^-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?')::float8)
          FROM regexp_matches(e.pattern_ids, '"([^"\\\\]*)"', 'g') AS m
          JOIN patterns pt ON pt.id = m[1] AND pt.namespace = e.namespace)`
    : 'NULL::float8';
  const vector =
    query.vectorsOf === undefined
      ? 'NULL::text'
      : `(SELECT v.embedding::text FROM vectors v WHERE v.kind = 'episode' AND v.provider = ${p.add(query.vectorsOf)}
          AND v.item_id = e.id AND v.namespace = e.namespace)`;
  const { rows } = await db.query<{
    id: string;
    domain: string;
    language: string | null;
    framework: string | null;
    context_tags: string;
    tags: string;
    reward: number | null;
    at: number | string;
    effectiveness: number | null;
    tools: string[] | null;
    v: string | null;
  }>(
    `SELECT e.id, e.domain, e.language, e.framework, e.context_tags, e.tags, e.reward_total AS reward,
       coalesce(e.ended_at, e.started_at) AS at,
       ${effectiveness} AS effectiveness,
       ${tools} AS tools, ${vector} AS v
     FROM episodes e WHERE e.id = ANY(${ids}::text[]) AND e.namespace = ${space}`,
    p.values,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of query.ids) {
    if (withTools) facts.usedTools.set(id, []);
    const r = byId.get(id);
    if (r === undefined) continue;
    facts.episodes.push(rowToFacts({ ...r, contextTags: r.context_tags }, withEffectiveness));
    if (withTools) facts.usedTools.set(id, r.tools ?? []);
    if (r.v !== null) facts.vectors.set(id, fromVectorText(r.v));
  }
  return facts;
}

/**
 * The episodes a retrieval returns, whole (with their steps if asked), and the patterns and heuristics they
 * taught, in one statement.
 */
export async function loadChosen(
  db: Db,
  ns: string,
  query: { ids: readonly string[]; steps?: boolean },
): Promise<ChosenEpisodes> {
  if (query.ids.length === 0) return { episodes: [], patterns: [], heuristics: [] };
  const p = new Params();
  const ids = p.add([...new Set(query.ids)]);
  const space = p.add(ns);
  const { rows } = await db.query<TaughtRows & { episodes: EpisodeWithSteps[] }>(
    `WITH chosen AS (SELECT ${EPISODE_COLUMNS}, ${query.steps ? STEPS_JSON : 'NULL::json'} AS steps
       FROM episodes e WHERE e.id = ANY(${ids}::text[]) AND e.namespace = ${space})
     SELECT ${jsonRows('SELECT * FROM chosen')} AS episodes, ${taughtParts(space, 'chosen').join(', ')}`,
    p.values,
  );
  const row = rows[0]!;
  const byId = new Map(parseRows(row.episodes, toEpisode).map((e) => [e.id, e]));
  const episodes = query.ids.flatMap((id) => byId.get(id) ?? []);
  return { episodes, ...parseTaught(row, episodes) };
}
