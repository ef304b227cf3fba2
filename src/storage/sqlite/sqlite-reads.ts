import {
  type Episode,
  filterWords,
  type Heuristic,
  OUTCOME_STATUSES,
  type OutcomeStatus,
  PATTERN_TYPES,
  type Pattern,
  type PatternSort,
  type PatternType,
  type Step,
  type ToolCount,
} from '../../core/index.js';
import {
  type EpisodeRow,
  type FactsRow,
  parseRows,
  rowToEpisode,
  rowToFacts,
  rowToHeuristic,
  rowToPattern,
  rowToStep,
  type StepRow,
  trustedStrings,
} from '../rows.js';
import type {
  CandidateFacts,
  EpisodeFilter,
  HeuristicFilter,
  LexicalHit,
  PatternFilter,
  StorageStats,
  TextIndex,
} from '../storage.js';
import { taskLikePatterns } from '../text-filter.js';
import type { Sql } from './driver.js';
import { quoteFtsTerm } from './fts-query.js';
import { type BudgetedQuery, budgetedQuery, POSTING_BUDGET } from './term-budget.js';

/**
 * Read queries of the embedded store; each takes the connection's statement cache. A lookup by a list of ids
 * writes `+namespace`: without it SQLite filters through a namespace index and reads every row of the
 * namespace (40 ms at 10k episodes instead of 1).
 */

export const EPISODE_COLUMNS = `rid, id, task, task_type, domain, language, framework, complexity, context_tags, tags, metadata,
  started_at, ended_at, outcome, reward, reflection, summary, pattern_ids, heuristic_ids`;

export function loadEpisode(sql: Sql, ns: string, id: string, withSteps: boolean): Episode | null {
  const row = sql(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id = ? AND namespace = ?`).get(id, ns) as
    | EpisodeRow
    | undefined;
  return row ? rowToEpisode(row, withSteps ? loadSteps(sql, row.rid) : []) : null;
}

export function loadSteps(sql: Sql, rid: number): Step[] {
  const rows = sql(
    'SELECT seq, at, tool, action, params, status, output, latency_ms, tokens, metadata FROM steps WHERE episode_rid = ? ORDER BY seq',
  ).all(rid) as StepRow[];
  return rows.map(rowToStep);
}

export function getEpisodes(
  sql: Sql,
  ns: string,
  ids: readonly string[],
  options: { steps?: boolean },
): Episode[] {
  if (ids.length === 0) return [];
  const rows = sql(
    `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id IN (SELECT value FROM json_each(?)) AND +namespace = ?`,
  ).all(JSON.stringify(ids), ns) as EpisodeRow[];
  const byId = new Map(
    parseRows(rows, (row) => rowToEpisode(row, options.steps ? loadSteps(sql, row.rid) : [])).map((e) => [
      e.id,
      e,
    ]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The distinct tools each episode ran successfully, sorted; one query for all of them. */
export function usedTools(sql: Sql, ns: string, ids: readonly string[]): Map<string, string[]> {
  const tools = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return tools;
  const rows = sql(
    `SELECT DISTINCT e.id AS id, s.tool AS tool FROM episodes e JOIN steps s ON s.episode_rid = e.rid
     WHERE e.id IN (SELECT value FROM json_each(?)) AND +e.namespace = ? AND s.status = 'success'
     ORDER BY e.id, s.tool`,
  ).all(JSON.stringify(ids), ns) as Array<{ id: string; tool: string }>;
  for (const row of rows) tools.get(row.id)?.push(row.tool);
  return tools;
}

/**
 * What ranking reads of each candidate, in one query: a few columns, the mean effectiveness of its patterns
 * (computed by SQLite from the pattern rows) and, if asked, the tools it ran successfully (`rowToFacts`).
 */
export function candidateFacts(
  sql: Sql,
  ns: string,
  ids: readonly string[],
  options: { tools: boolean; effectiveness: boolean },
): { facts: CandidateFacts[]; usedTools: Map<string, string[]> } {
  const usedTools = new Map<string, string[]>();
  if (ids.length === 0) return { facts: [], usedTools };
  const rows = sql(
    `SELECT e.id AS id, e.domain AS domain, e.language AS language, e.framework AS framework,
       e.context_tags AS contextTags, e.tags AS tags, e.reward_total AS reward,
       coalesce(e.ended_at, e.started_at) AS at,
       ${
         options.effectiveness
           ? `(SELECT avg(json_extract(p.body, '$.effectiveness')) FROM json_each(e.pattern_ids) j
                JOIN patterns p ON p.id = j.value AND +p.namespace = e.namespace)`
           : 'NULL'
       } AS effectiveness,
       ${
         options.tools
           ? `(SELECT json_group_array(tool) FROM (SELECT DISTINCT s.tool AS tool FROM steps s
                WHERE s.episode_rid = e.rid AND s.status = 'success' ORDER BY s.tool))`
           : 'NULL'
       } AS tools
     FROM episodes e WHERE e.id IN (SELECT value FROM json_each(?)) AND +e.namespace = ?`,
  ).all(JSON.stringify(ids), ns) as Array<FactsRow & { tools: string | null }>;
  const byId = new Map<string, CandidateFacts>();
  for (const r of rows) {
    byId.set(r.id, rowToFacts(r, options.effectiveness));
    if (options.tools) usedTools.set(r.id, trustedStrings(r.tools));
  }
  return { facts: ids.flatMap((id) => byId.get(id) ?? []), usedTools };
}

/** Newest first (or oldest), filtered; steps are not loaded. */
export function listEpisodes(sql: Sql, ns: string, filter: EpisodeFilter): Episode[] {
  const where: string[] = ['namespace = ?'];
  const params: unknown[] = [ns];
  if (filter.domain !== undefined) {
    where.push('domain = ?');
    params.push(filter.domain);
  }
  if (filter.taskType !== undefined) {
    where.push('task_type = ?');
    params.push(filter.taskType);
  }
  if (filter.outcome !== undefined) {
    where.push('outcome_status = ?');
    params.push(filter.outcome);
  }
  if (filter.since !== undefined) {
    where.push('started_at >= ?');
    params.push(Date.parse(filter.since));
  }
  if (filter.until !== undefined) {
    where.push('started_at <= ?');
    params.push(Date.parse(filter.until));
  }
  if (filter.completed === true) where.push('ended_at IS NOT NULL');
  if (filter.completed === false) where.push('ended_at IS NULL');
  for (const tag of filter.tags ?? []) {
    where.push('rid IN (SELECT episode_rid FROM episode_tags WHERE tag = ?)');
    params.push(tag);
  }
  if (filter.text !== undefined) {
    // Quoted words joined by AND: every word must match, and nothing the user typed is FTS5 syntax. `+rid`
    // keeps the walk down the started_at index, testing each rid against the matches (100k index entries in
    // ~7 ms): led by the FTS5 matches instead, as statistics would have it, SQLite reads and sorts every
    // match (a common word at 100k episodes: 220 ms; at offset 5000: 430 ms). Episodes in progress are not in
    // the index: their tasks are matched apart (`taskLikePatterns`), found through the ended_at index.
    const words = filterWords(filter.text);
    if (words.length === 0) return [];
    const likes = taskLikePatterns(words);
    where.push(`+rid IN (SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH ?
      UNION ALL SELECT rid FROM episodes WHERE namespace = ? AND ended_at IS NULL
        AND ${likes.map(() => "task LIKE ? ESCAPE '\\'").join(' AND ')})`);
    params.push(words.map(quoteFtsTerm).join(' AND '), ns, ...likes);
  }
  const order = filter.order === 'oldest' ? 'ASC' : 'DESC';
  const query = `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE ${where.join(' AND ')}
      ORDER BY started_at ${order}, rid ${order} LIMIT ? OFFSET ?`;
  const rows = sql(query).all(...params, filter.limit ?? 20, filter.offset ?? 0) as EpisodeRow[];
  return parseRows(rows, (row) => rowToEpisode(row, []));
}

/**
 * What a full-text search of each kind runs over: the FTS5 table, the table whose rows it indexes (same rowids)
 * and the BM25 column weights (episodes: the task says most about what an episode was; tools and reflection
 * less; patterns: the description, then the signature).
 */
const FTS_TARGETS = {
  episodes: { fts: 'episodes_fts', table: 'episodes', rank: 'bm25(episodes_fts, 1.0, 0.7, 0.5, 0.3)' },
  tasks: { fts: 'episode_tasks_fts', table: 'episodes', rank: 'bm25(episode_tasks_fts)' },
  patterns: { fts: 'patterns_fts', table: 'patterns', rank: 'bm25(patterns_fts, 1.0, 0.5)' },
} as const;

/** BM25 over whole episodes (`all`: task, summary, tools, reflection) or over their tasks alone. */
export function searchEpisodes(
  sql: Sql,
  ns: string,
  query: { text: string; limit: number; index?: TextIndex },
): LexicalHit[] {
  return searchFts(sql, ns, query.index === 'task' ? 'tasks' : 'episodes', query);
}

export function searchPatterns(sql: Sql, ns: string, query: { text: string; limit: number }): LexicalHit[] {
  return searchFts(sql, ns, 'patterns', query);
}

/**
 * BM25 within the posting budget. The FTS5 rows are ranked (or, for a word past the budget, capped to its
 * newest) before the join, which then reads `limit` rows by rowid. CROSS JOIN and `+namespace` keep that
 * order: otherwise SQLite scans the namespace index and probes the ranked rows (13 ms at 100k episodes
 * instead of 3).
 */
function searchFts(
  sql: Sql,
  ns: string,
  kind: keyof typeof FTS_TARGETS,
  query: { text: string; limit: number },
): LexicalHit[] {
  const { fts, table, rank } = FTS_TARGETS[kind];
  const budgeted = budgetedQuery(sql, fts, query.text);
  if (budgeted === null) return [];
  const order = budgeted.newest === undefined ? 'rank' : 'rowid DESC';
  const rows = sql(
    `SELECT t.id AS id, f.rank AS rank FROM (
       SELECT rowid, ${rank} AS rank FROM ${fts} WHERE ${fts} MATCH ?1 ORDER BY ${order} LIMIT ?3) f
     CROSS JOIN ${table} t ON t.rowid = f.rowid WHERE +t.namespace = ?2 ORDER BY f.rank LIMIT ?4`,
  ).all(budgeted.match, ns, fetchLimit(sql, table, ns, query.limit, budgeted), query.limit) as Array<{
    id: string;
    rank: number;
  }>;
  return rows.map((r) => ({ id: r.id, score: -r.rank }));
}

export function recentEpisodeIds(sql: Sql, ns: string, query: { domain?: string; limit: number }): string[] {
  const rows = (
    query.domain === undefined
      ? sql(
          'SELECT id FROM episodes WHERE namespace = ? AND ended_at IS NOT NULL ORDER BY ended_at DESC LIMIT ?',
        ).all(ns, query.limit)
      : sql(
          `SELECT id FROM episodes WHERE namespace = ? AND domain = ? AND ended_at IS NOT NULL
           ORDER BY ended_at DESC LIMIT ?`,
        ).all(ns, query.domain, query.limit)
  ) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/**
 * How many FTS5 rows to rank before keeping the namespace's: `limit` when the store holds one namespace;
 * otherwise every row the budget allows (another namespace's rows may fill the first `limit`).
 */
function fetchLimit(
  sql: Sql,
  table: 'episodes' | 'patterns',
  ns: string,
  limit: number,
  budgeted: BudgetedQuery,
): number {
  if (budgeted.newest !== undefined) return budgeted.newest;
  // Two index range probes (namespace leads an index of both tables).
  const others = sql(
    `SELECT EXISTS (SELECT 1 FROM ${table} WHERE namespace < ?1 OR namespace > ?1) AS x`,
  ).get(ns) as { x: number };
  return others.x === 1 ? POSTING_BUDGET : limit;
}

/** The `body` column of the rows whose `column` is one of `values`, ordered by id. */
export function bodiesByColumn(
  sql: Sql,
  ns: string,
  table: 'patterns' | 'heuristics',
  column: 'id' | 'key' | 'trigger',
  values: readonly string[],
): string[] {
  if (values.length === 0) return [];
  const rows = sql(
    `SELECT body FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?)) AND ${column === 'id' ? '+' : ''}namespace = ?
       ORDER BY id`,
  ).all(JSON.stringify(values), ns) as Array<{ body: string }>;
  return rows.map((r) => r.body);
}

export function getPatterns(sql: Sql, ns: string, ids: readonly string[]): Pattern[] {
  return parseRows(bodiesByColumn(sql, ns, 'patterns', 'id', ids), rowToPattern);
}

export function getHeuristics(sql: Sql, ns: string, ids: readonly string[]): Heuristic[] {
  return parseRows(bodiesByColumn(sql, ns, 'heuristics', 'id', ids), rowToHeuristic);
}

/**
 * `ORDER BY` of each pattern sort. Effectiveness and feedback live in the JSON body only (no column), so those
 * sorts read every pattern of the namespace; `feedbackHelped` is absent from rows written before it existed.
 */
const PATTERN_ORDER: Record<PatternSort, string> = {
  occurrences: 'occurrences DESC, success_rate DESC, id',
  effectiveness: "json_extract(body, '$.effectiveness') DESC, occurrences DESC, id",
  helped:
    "coalesce(json_extract(body, '$.feedbackHelped'), 0) DESC, json_extract(body, '$.effectiveness') DESC, occurrences DESC, id",
  recent: 'last_seen DESC, id',
};

export function listPatterns(sql: Sql, ns: string, filter: PatternFilter): Pattern[] {
  const where: string[] = ['namespace = ?'];
  const params: unknown[] = [ns];
  if (filter.type !== undefined) {
    where.push('type = ?');
    params.push(filter.type);
  }
  if (filter.domain !== undefined) {
    where.push('domain = ?');
    params.push(filter.domain);
  }
  if (filter.minOccurrences !== undefined) {
    where.push('occurrences >= ?');
    params.push(filter.minOccurrences);
  }
  const rows = sql(
    `SELECT body FROM patterns WHERE ${where.join(' AND ')}
       ORDER BY ${PATTERN_ORDER[filter.sort ?? 'occurrences']} LIMIT ? OFFSET ?`,
  ).all(...params, filter.limit ?? 20, filter.offset ?? 0) as Array<{ body: string }>;
  return parseRows(rows, (r) => rowToPattern(r.body));
}

export function listHeuristics(sql: Sql, ns: string, filter: HeuristicFilter): Heuristic[] {
  const rows = sql(
    `SELECT body FROM heuristics WHERE namespace = ?4 AND (?1 IS NULL OR domain = ?1) AND confidence >= ?2
       ORDER BY confidence DESC, id LIMIT ?3 OFFSET ?5`,
  ).all(
    filter.domain ?? null,
    filter.minConfidence ?? 0,
    filter.limit ?? 20,
    ns,
    filter.offset ?? 0,
  ) as Array<{
    body: string;
  }>;
  return parseRows(rows, (r) => rowToHeuristic(r.body));
}

export function stats(sql: Sql, ns: string): StorageStats {
  // Every count of episodes in one pass over the covering index (namespace, domain, ended_at, outcome_status,
  // reward_total, step_count), in its order: one row per domain, summed here.
  const outcomes = OUTCOME_STATUSES.map((o, i) => `sum(outcome_status = '${o}') AS o${i}`).join(', ');
  const domains = sql(
    `SELECT domain AS d, count(*) AS n, count(ended_at) AS completed, coalesce(sum(step_count), 0) AS steps,
       sum(reward_total) AS rs, count(reward_total) AS rn, ${outcomes}
     FROM episodes WHERE namespace = ? GROUP BY domain`,
  ).all(ns) as Array<Record<string, number | null> & { d: string }>;
  const byOutcome = Object.fromEntries(OUTCOME_STATUSES.map((s) => [s, 0])) as Record<OutcomeStatus, number>;
  const byDomain: Record<string, number> = {};
  const sums = { episodes: 0, completed: 0, steps: 0, reward: 0, rewarded: 0 };
  for (const row of domains) {
    const n = row.n ?? 0;
    byDomain[row.d] = n;
    sums.episodes += n;
    sums.completed += row.completed ?? 0;
    sums.steps += row.steps ?? 0;
    sums.reward += row.rs ?? 0;
    sums.rewarded += row.rn ?? 0;
    for (const [i, o] of OUTCOME_STATUSES.entries()) byOutcome[o] += row[`o${i}`] ?? 0;
  }
  const patternsByType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, 0])) as Record<PatternType, number>;
  let patterns = 0;
  for (const row of sql(
    'SELECT type AS t, count(*) AS n FROM patterns WHERE namespace = ? GROUP BY type',
  ).all(ns) as Array<{ t: PatternType; n: number }>) {
    patternsByType[row.t] = row.n;
    patterns += row.n;
  }
  const heuristics = (
    sql('SELECT count(*) AS n FROM heuristics WHERE namespace = ?').get(ns) as { n: number }
  ).n;
  return {
    episodes: sums.episodes,
    completedEpisodes: sums.completed,
    // step_count is the last seq of every episode, kept by every write of steps.
    steps: sums.steps,
    patterns,
    patternsByType,
    heuristics,
    byOutcome,
    byDomain: Object.fromEntries(Object.entries(byDomain).sort(([, a], [, b]) => b - a)),
    averageReward: sums.rewarded === 0 ? null : Math.round((sums.reward / sums.rewarded) * 10_000) / 10_000,
  };
}

/** Counts already read, per connection: valid until the store's write generation moves (any write of counts). */
const countCache = new WeakMap<Sql, { generation: number; rows: Map<string, ToolCount[]> }>();

/**
 * Tool-model counts of the features, in one domain or summed over all of them. A feature's counts are kept per
 * connection until the next write to the store (by any process: the write generation is read each time), so
 * the words that recur across queries are read once between writes.
 */
export function toolCounts(
  sql: Sql,
  ns: string,
  query: { domain?: string; features: readonly string[] },
): ToolCount[] {
  if (query.features.length === 0) return [];
  const generation = (
    sql("SELECT CAST(value AS INTEGER) AS g FROM meta WHERE key = 'write_generation'").get() as { g: number }
  ).g;
  let cache = countCache.get(sql);
  if (!cache || cache.generation !== generation || cache.rows.size > 50_000) {
    cache = { generation, rows: new Map() };
    countCache.set(sql, cache);
  }
  const key = (feature: string) => JSON.stringify([ns, query.domain ?? null, feature]);
  const missing = [...new Set(query.features)].filter((f) => !cache.rows.has(key(f)));
  if (missing.length > 0) {
    for (const f of missing) cache.rows.set(key(f), []);
    for (const row of readToolCounts(sql, ns, query.domain, missing))
      cache.rows.get(key(row.feature))?.push(row);
  }
  return [...new Set(query.features)].flatMap((f) => cache.rows.get(key(f)) ?? []);
}

function readToolCounts(
  sql: Sql,
  ns: string,
  domain: string | undefined,
  features: readonly string[],
): ToolCount[] {
  const list = JSON.stringify(features);
  const rows =
    domain === undefined
      ? sql(
          `SELECT feature, tool, SUM(successes) AS successes, SUM(failures) AS failures FROM tool_evidence
           WHERE namespace = ? AND feature IN (SELECT value FROM json_each(?)) GROUP BY feature, tool`,
        ).all(ns, list)
      : sql(
          `SELECT feature, tool, successes, failures FROM tool_evidence
           WHERE namespace = ? AND domain = ? AND feature IN (SELECT value FROM json_each(?))`,
        ).all(ns, domain, list);
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    feature: String(r.feature),
    tool: String(r.tool),
    successes: Number(r.successes),
    failures: Number(r.failures),
  }));
}
