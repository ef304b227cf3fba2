import type { Heuristic, Pattern, ToolCount } from '../../core/index.js';
import { type EpisodeRow, parseRows, rowToEpisode, rowToHeuristic, rowToPattern } from '../rows.js';
import type {
  CandidateHits,
  CandidateLoad,
  CandidateQuery,
  LexicalHit,
  LoadedCandidates,
} from '../storage.js';
import {
  type Db,
  EPISODE_COLUMNS,
  Params,
  recentSql,
  searchEpisodesSql,
  toolCountsSql,
  toToolCount,
} from './pg-reads.js';
import { fromVectorText, searchSql, toHits } from './pg-vectors.js';

/** The rows of `sql` as one JSON array, in the order `sql` gives them. */
const jsonRows = (sql: string): string => `(SELECT coalesce(json_agg(x), '[]'::json) FROM (${sql}) AS x)`;

/** Every candidate source of a retrieval in one statement: one round trip, one snapshot. */
export async function findCandidates(db: Db, ns: string, query: CandidateQuery): Promise<CandidateHits> {
  const p = new Params();
  const parts: string[] = [];
  const lexical = query.text ? searchEpisodesSql(p, ns, query.text) : null;
  if (lexical !== null) parts.push(`${jsonRows(lexical)} AS lexical`);
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
    similar?: Array<{ id: string; distance: number | string }>;
    recent?: Array<{ id: string }>;
    tool_counts?: ToolCount[];
  }>(`SELECT ${parts.join(', ')}`, p.values);
  const row = rows[0]!;
  return {
    lexical: row.lexical ?? [],
    similar: toHits(row.similar ?? []),
    recent: (row.recent ?? []).map((r) => r.id),
    toolCounts: (row.tool_counts ?? []).map(toToolCount),
  };
}

/**
 * The candidates with what ranking needs in one statement: the episodes (no steps), the tools each ran
 * successfully, the patterns and heuristics they taught, their vectors. The ids of patterns and heuristics are
 * picked out of the stored JSON arrays by pattern (a corrupt array must not fail the statement), then only those
 * of episodes that parse are kept, as the single reads would.
 */
export async function loadCandidates(db: Db, ns: string, query: CandidateLoad): Promise<LoadedCandidates> {
  const empty: LoadedCandidates = {
    episodes: [],
    usedTools: new Map(),
    patterns: [],
    heuristics: [],
    vectors: new Map(),
  };
  if (query.ids.length === 0) return empty;
  const p = new Params();
  const ids = p.add([...new Set(query.ids)]);
  const space = p.add(ns);
  const taught = (column: 'pattern_ids' | 'heuristic_ids') =>
    `SELECT m[1] FROM candidates c, regexp_matches(c.${column}, '"([^"\\\\]*)"', 'g') AS m`;
  const parts = [
    `${jsonRows('SELECT * FROM candidates')} AS episodes`,
    `${jsonRows(`SELECT id, body FROM patterns WHERE namespace = ${space} AND id IN (${taught('pattern_ids')}) ORDER BY id COLLATE "C"`)} AS patterns`,
    `${jsonRows(`SELECT id, body FROM heuristics WHERE namespace = ${space} AND id IN (${taught('heuristic_ids')}) ORDER BY id COLLATE "C"`)} AS heuristics`,
  ];
  if (query.usedTools) {
    parts.push(
      `${jsonRows(
        `SELECT s.episode_id AS id, s.tool FROM steps s WHERE s.episode_id IN (SELECT id FROM candidates)
         AND s.status = 'success' GROUP BY s.episode_id, s.tool ORDER BY s.episode_id COLLATE "C", s.tool COLLATE "C"`,
      )} AS used_tools`,
    );
  }
  if (query.vectorsOf !== undefined) {
    parts.push(
      `${jsonRows(
        `SELECT item_id AS id, embedding::text AS v FROM vectors WHERE kind = 'episode' AND provider = ${p.add(query.vectorsOf)}
         AND namespace = ${space} AND item_id IN (SELECT id FROM candidates)`,
      )} AS vectors`,
    );
  }
  const { rows } = await db.query<{
    episodes: EpisodeRow[];
    patterns: Array<{ id: string; body: string }>;
    heuristics: Array<{ id: string; body: string }>;
    used_tools?: Array<{ id: string; tool: string }>;
    vectors?: Array<{ id: string; v: string }>;
  }>(
    `WITH candidates AS (SELECT ${EPISODE_COLUMNS} FROM episodes e WHERE e.id = ANY(${ids}::text[]) AND e.namespace = ${space})
     SELECT ${parts.join(', ')}`,
    p.values,
  );
  const row = rows[0]!;
  const byId = new Map(parseRows(row.episodes, (r) => rowToEpisode(r, [])).map((e) => [e.id, e]));
  const episodes = query.ids.flatMap((id) => byId.get(id) ?? []);
  const patternIds = new Set(episodes.flatMap((e) => e.patternIds));
  const heuristicIds = new Set(episodes.flatMap((e) => e.heuristicIds));
  const patterns: Pattern[] = parseRows(
    row.patterns.filter((r) => patternIds.has(r.id)),
    (r) => rowToPattern(r.body),
  );
  const heuristics: Heuristic[] = parseRows(
    row.heuristics.filter((r) => heuristicIds.has(r.id)),
    (r) => rowToHeuristic(r.body),
  );
  const usedTools = new Map<string, string[]>();
  if (query.usedTools) {
    for (const id of query.ids) usedTools.set(id, []);
    for (const r of row.used_tools ?? []) usedTools.get(r.id)?.push(r.tool);
  }
  const vectors = new Map((row.vectors ?? []).map((r) => [r.id, fromVectorText(r.v)]));
  return {
    episodes,
    usedTools,
    patterns,
    heuristics,
    vectors: new Map(query.ids.flatMap((id) => (vectors.has(id) ? [[id, vectors.get(id)!] as const] : []))),
  };
}
