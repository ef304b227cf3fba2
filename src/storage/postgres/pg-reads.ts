import {
  contentTokens,
  type Episode,
  filterWords,
  type Heuristic,
  type Pattern,
  type PatternSort,
  type ToolCount,
} from '../../core/index.js';
import {
  type EpisodeRow,
  parseRows,
  rowToEpisode,
  rowToHeuristic,
  rowToPattern,
  rowToStep,
  type StepRow,
} from '../rows.js';
import type { EpisodeFilter, HeuristicFilter, LexicalHit, PatternFilter, TextIndex } from '../storage.js';
import { taskLikePatterns } from '../text-filter.js';
import { type BudgetedTerms, budgetedTerms } from './pg-term-budget.js';

/** A pool or one of its clients: what every query function takes. */
export interface Db {
  query<R extends object = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** The episode columns as `rowToEpisode` reads them; `e` is the episodes alias. */
export const EPISODE_COLUMNS = `e.seq AS rid, e.id, e.task, e.task_type, e.domain, e.language, e.framework, e.complexity,
  e.context_tags, e.tags, e.metadata, e.started_at, e.ended_at, e.outcome, e.reward, e.reflection, e.summary,
  e.pattern_ids, e.heuristic_ids`;

/** The episode's steps as one JSON array of step rows (null when it has none), in `seq` order. */
export const STEPS_JSON = `(SELECT json_agg(json_build_object('seq', s.seq, 'at', s.at, 'tool', s.tool, 'action', s.action,
    'params', s.params, 'status', s.status, 'output', s.output, 'latency_ms', s.latency_ms, 'tokens', s.tokens,
    'metadata', s.metadata) ORDER BY s.seq) FROM steps s WHERE s.episode_id = e.id)`;

export type EpisodeWithSteps = EpisodeRow & { steps: StepRow[] | null };

export function toEpisode(row: EpisodeWithSteps): Episode {
  return rowToEpisode(row, (row.steps ?? []).map(rowToStep));
}

/** One episode with its steps, in one query; a row that does not parse is a STORAGE_ERROR. */
export async function loadEpisode(db: Db, ns: string, id: string): Promise<Episode | null> {
  const { rows } = await db.query<EpisodeWithSteps>(
    `SELECT ${EPISODE_COLUMNS}, ${STEPS_JSON} AS steps FROM episodes e WHERE e.id = $1 AND e.namespace = $2`,
    [id, ns],
  );
  return rows[0] ? toEpisode(rows[0]) : null;
}

export async function getEpisodes(
  db: Db,
  ns: string,
  ids: readonly string[],
  options: { steps?: boolean },
): Promise<Episode[]> {
  if (ids.length === 0) return [];
  const steps = options.steps ? STEPS_JSON : 'NULL::json';
  const { rows } = await db.query<EpisodeWithSteps>(
    `SELECT ${EPISODE_COLUMNS}, ${steps} AS steps FROM episodes e WHERE e.id = ANY($1::text[]) AND e.namespace = $2`,
    [ids, ns],
  );
  const byId = new Map(parseRows(rows, toEpisode).map((e) => [e.id, e]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function usedTools(db: Db, ns: string, ids: readonly string[]): Promise<Map<string, string[]>> {
  const tools = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return tools;
  const { rows } = await db.query<{ id: string; tool: string }>(
    `SELECT s.episode_id AS id, s.tool FROM steps s JOIN episodes e ON e.id = s.episode_id
     WHERE s.episode_id = ANY($1::text[]) AND e.namespace = $2 AND s.status = 'success'
     GROUP BY s.episode_id, s.tool ORDER BY s.episode_id COLLATE "C", s.tool COLLATE "C"`,
    [ids, ns],
  );
  for (const row of rows) tools.get(row.id)?.push(row.tool);
  return tools;
}

export async function listEpisodes(db: Db, ns: string, filter: EpisodeFilter): Promise<Episode[]> {
  const params: unknown[] = [ns];
  const where: string[] = ['e.namespace = $1'];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.domain !== undefined) where.push(`e.domain = ${bind(filter.domain)}`);
  if (filter.taskType !== undefined) where.push(`e.task_type = ${bind(filter.taskType)}`);
  if (filter.outcome !== undefined) where.push(`e.outcome_status = ${bind(filter.outcome)}`);
  if (filter.since !== undefined) where.push(`e.started_at >= ${bind(Date.parse(filter.since))}`);
  if (filter.until !== undefined) where.push(`e.started_at <= ${bind(Date.parse(filter.until))}`);
  if (filter.completed === true) where.push('e.ended_at IS NOT NULL');
  if (filter.completed === false) where.push('e.ended_at IS NULL');
  for (const tag of new Set(filter.tags ?? [])) {
    where.push(`EXISTS (SELECT 1 FROM episode_tags t WHERE t.episode_id = e.id AND t.tag = ${bind(tag)})`);
  }
  if (filter.text !== undefined) {
    // plainto_tsquery ANDs the words in the configuration the stored tsvector was built with; the words hold
    // letters, digits and `_` only. One the configuration drops as a stopword leaves the others to match.
    // Episodes in progress have no tsvector yet: their tasks are matched apart (`taskLikePatterns`).
    const words = filterWords(filter.text);
    if (words.length === 0) return [];
    where.push(`(e.fts @@ plainto_tsquery('english', ${bind(words.join(' '))})
      OR (e.ended_at IS NULL AND e.task ILIKE ALL (${bind(taskLikePatterns(words))}::text[])))`);
  }
  const order = filter.order === 'oldest' ? 'ASC' : 'DESC';
  const { rows } = await db.query<EpisodeWithSteps>(
    `SELECT ${EPISODE_COLUMNS}, NULL::json AS steps FROM episodes e WHERE ${where.join(' AND ')}
     ORDER BY e.started_at ${order}, e.seq ${order} LIMIT ${bind(filter.limit ?? 20)} OFFSET ${bind(filter.offset ?? 0)}`,
    params,
  );
  return parseRows(rows, toEpisode);
}

/**
 * The content words of free text (as the SQLite store picks them), for an OR query: each matching word adds
 * to the rank, so a partial match still ranks. Empty when the text has none.
 */
export function queryTerms(text: string, maxTerms = 64): string[] {
  return [...new Set(contentTokens(text))].filter((t) => !/\d{4,}/.test(t)).slice(0, maxTerms);
}

/** Numbered query parameters, for SQL put together from parts. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A budgeted episode search: CTEs for the statement's head, the search itself, and its word counts to keep. */
export interface EpisodeSearchSql extends BudgetedTerms {
  /** Rows: id, score. */
  sql: string;
}

/**
 * Full-text search of completed episodes, or null when the text has no content words. The episodes that hold one
 * of the rarest words within the posting budget (`budgetedTerms`) are ranked by all the words, so the order among
 * them is the order of a search of every word (top 10 at 10k episodes: 0.95 the same). At most `budget`
 * matches are ranked, the first the bitmap scan meets (more match only when even the rarest word is past the
 * budget; taking the newest instead read every match: 300–500 ms at 100k episodes for a word in half of them).
 * The words go to `websearch_to_tsquery` joined by `or`: they hold letters, digits and `_` only, so nothing in
 * them is syntax, and each matching word adds to the rank. Column weights (D, C, B, A): task 1.0, summary 0.7,
 * tools 0.5, reflection 0.3, as in the SQLite store. Rank: `ts_rank` divided by the
 * document's length (normalisation 2). Measured on the eval's lexical queries with every word (webarena intents
 * MRR@10, tau-retail test hit@5 / MRR@10): this 0.935 and 0.605 / 0.521, SQLite's BM25 0.914 and 0.558 / 0.367,
 * `ts_rank_cd` 0.892 and 0.198 / 0.135 (cover density without length normalisation favours long episodes).
 */
export function searchEpisodesSql(
  p: Params,
  db: Db,
  ns: string,
  query: { text: string; limit: number; index?: TextIndex },
  budget?: number,
): EpisodeSearchSql | null {
  const terms = queryTerms(query.text);
  if (terms.length === 0) return null;
  // The task alone (`task_fts`, unweighted) or the whole episode (`fts`, weighted by field).
  const column = query.index === 'task' ? 'task_fts' : 'fts';
  const weights = column === 'fts' ? `'{0.3, 0.5, 0.7, 1.0}', ` : '';
  const budgeted = budgetedTerms(p, db, terms, budget, column);
  return {
    ...budgeted,
    sql: `SELECT h.id, ts_rank(${weights}h.v, websearch_to_tsquery('english', ${p.add(terms.join(' or '))}), 2) AS score
      FROM term_budget_q AS q CROSS JOIN LATERAL (
        SELECT e.id, e.seq, e.${column} AS v FROM episodes e
         WHERE e.${column} @@ q.q AND e.namespace = ${p.add(ns)} AND e.ended_at IS NOT NULL
         LIMIT ${budgeted.budget}) AS h
     ORDER BY score DESC, h.seq LIMIT ${p.add(query.limit)}`,
  };
}

export async function searchEpisodes(
  db: Db,
  ns: string,
  query: { text: string; limit: number; index?: TextIndex },
  budget?: number,
): Promise<LexicalHit[]> {
  const p = new Params();
  const search = searchEpisodesSql(p, db, ns, query, budget);
  if (search === null) return [];
  const { rows } = await db.query<{ hits: LexicalHit[]; counted: unknown }>(
    `WITH ${search.ctes.join(', ')}
     SELECT (SELECT coalesce(json_agg(x), '[]'::json) FROM (${search.sql}) AS x) AS hits, ${search.counted} AS counted`,
    p.values,
  );
  search.remember(rows[0]?.counted);
  return (rows[0]?.hits ?? []).map((r) => ({ id: r.id, score: r.score }));
}

export async function searchPatterns(
  db: Db,
  ns: string,
  query: { text: string; limit: number },
): Promise<LexicalHit[]> {
  const terms = queryTerms(query.text);
  if (terms.length === 0) return [];
  // Weights: description (A) 1.0, signature (B) 0.5; ranked as episodes are.
  const { rows } = await db.query<{ id: string; score: number }>(
    `SELECT p.id, ts_rank('{0, 0, 0.5, 1.0}', p.fts, q, 2) AS score
       FROM patterns p, websearch_to_tsquery('english', $1) AS q
      WHERE p.fts @@ q AND p.namespace = $2
      ORDER BY score DESC, p.seq LIMIT $3`,
    [terms.join(' or '), ns, query.limit],
  );
  return rows.map((r) => ({ id: r.id, score: r.score }));
}

/** The newest completed episodes (of a domain, when given). Rows: id. */
export function recentSql(p: Params, ns: string, query: { domain?: string; limit: number }): string {
  const domain = query.domain === undefined ? '' : `AND domain = ${p.add(query.domain)}`;
  return `SELECT id FROM episodes WHERE namespace = ${p.add(ns)} ${domain} AND ended_at IS NOT NULL
    ORDER BY ended_at DESC, seq DESC LIMIT ${p.add(query.limit)}`;
}

export async function recentEpisodeIds(
  db: Db,
  ns: string,
  query: { domain?: string; limit: number },
): Promise<string[]> {
  const p = new Params();
  const { rows } = await db.query<{ id: string }>(recentSql(p, ns, query), p.values);
  return rows.map((r) => r.id);
}

/** The `body` column of the rows whose `column` is one of `values`, ordered by id. */
export async function bodiesByColumn(
  db: Db,
  ns: string,
  table: 'patterns' | 'heuristics',
  column: 'id' | 'key' | 'trigger',
  values: readonly string[],
  lock = false,
): Promise<Array<{ id: string; body: string }>> {
  if (values.length === 0) return [];
  const { rows } = await db.query<{ id: string; body: string }>(
    `SELECT id, body FROM ${table} WHERE ${column} = ANY($1::text[]) AND namespace = $2 ORDER BY id COLLATE "C"
     ${lock ? 'FOR UPDATE' : ''}`,
    [[...new Set(values)], ns],
  );
  return rows;
}

export async function getPatterns(db: Db, ns: string, ids: readonly string[]): Promise<Pattern[]> {
  return parseRows(await bodiesByColumn(db, ns, 'patterns', 'id', ids), (r) => rowToPattern(r.body));
}

export async function getPattern(db: Db, ns: string, id: string): Promise<Pattern | null> {
  const { rows } = await db.query<{ body: string }>(
    'SELECT body FROM patterns WHERE id = $1 AND namespace = $2',
    [id, ns],
  );
  return rows[0] ? rowToPattern(rows[0].body) : null;
}

export async function getHeuristics(db: Db, ns: string, ids: readonly string[]): Promise<Heuristic[]> {
  return parseRows(await bodiesByColumn(db, ns, 'heuristics', 'id', ids), (r) => rowToHeuristic(r.body));
}

/**
 * `ORDER BY` of each pattern sort. Effectiveness and feedback live in the JSON body only (text, parsed per row),
 * so those sorts read every pattern of the namespace; `feedbackHelped` is absent from rows written before it.
 */
const PATTERN_ORDER: Record<PatternSort, string> = {
  occurrences: 'occurrences DESC, success_rate DESC, id COLLATE "C"',
  effectiveness: `(body::jsonb ->> 'effectiveness')::float8 DESC, occurrences DESC, id COLLATE "C"`,
  helped: `coalesce((body::jsonb ->> 'feedbackHelped')::integer, 0) DESC,
    (body::jsonb ->> 'effectiveness')::float8 DESC, occurrences DESC, id COLLATE "C"`,
  recent: 'last_seen DESC, id COLLATE "C"',
};

export async function listPatterns(db: Db, ns: string, filter: PatternFilter): Promise<Pattern[]> {
  const { rows } = await db.query<{ body: string }>(
    `SELECT body FROM patterns WHERE namespace = $1 AND ($2::text IS NULL OR type = $2)
       AND ($3::text IS NULL OR domain = $3) AND ($4::integer IS NULL OR occurrences >= $4)
     ORDER BY ${PATTERN_ORDER[filter.sort ?? 'occurrences']} LIMIT $5 OFFSET $6`,
    [
      ns,
      filter.type ?? null,
      filter.domain ?? null,
      filter.minOccurrences ?? null,
      filter.limit ?? 20,
      filter.offset ?? 0,
    ],
  );
  return parseRows(rows, (r) => rowToPattern(r.body));
}

export async function listHeuristics(db: Db, ns: string, filter: HeuristicFilter): Promise<Heuristic[]> {
  const { rows } = await db.query<{ body: string }>(
    `SELECT body FROM heuristics WHERE namespace = $1 AND ($2::text IS NULL OR domain = $2) AND confidence >= $3
     ORDER BY confidence DESC, id COLLATE "C" LIMIT $4 OFFSET $5`,
    [ns, filter.domain ?? null, filter.minConfidence ?? 0, filter.limit ?? 20, filter.offset ?? 0],
  );
  return parseRows(rows, (r) => rowToHeuristic(r.body));
}

/** The tool model's counts of the features, in one domain or summed over all. Rows: feature, tool, successes, failures. */
export function toolCountsSql(
  p: Params,
  ns: string,
  query: { domain?: string; features: readonly string[] },
): string {
  const domain = query.domain === undefined ? '' : `AND domain = ${p.add(query.domain)}`;
  return `SELECT feature, tool, sum(successes) AS successes, sum(failures) AS failures FROM tool_evidence
    WHERE namespace = ${p.add(ns)} ${domain} AND feature = ANY(${p.add([...query.features])}::text[])
    GROUP BY feature, tool ORDER BY feature COLLATE "C", tool COLLATE "C"`;
}

export async function toolCounts(
  db: Db,
  ns: string,
  query: { domain?: string; features: readonly string[] },
): Promise<ToolCount[]> {
  if (query.features.length === 0) return [];
  const p = new Params();
  const { rows } = await db.query<ToolCount>(toolCountsSql(p, ns, query), p.values);
  return rows.map(toToolCount);
}

export function toToolCount(r: ToolCount): ToolCount {
  return { feature: r.feature, tool: r.tool, successes: Number(r.successes), failures: Number(r.failures) };
}
