import type { Db, Params } from './pg-reads.js';

/**
 * Postings a full-text search may match: the rarest query words are kept while the sum of their document
 * frequencies stays within it (as the SQLite store does), and the episodes they match are ranked by every word.
 * A long task text ORs 20–60 words that together match most of the store (7,000 of 10,000 episodes), and
 * `ts_rank` reads each matching row's `tsvector` (most are TOASTed), so ranking them all grows with the store.
 * Measured on the bench schema at 10k episodes, 80 bench queries, a busy machine (search p50 / top-10 overlap
 * with ranking every match): 250 → 6.5 ms / 0.85, 500 → 8.0 ms / 0.88, 1,000 → 13.8 ms / 0.95,
 * 2,000 → 23.2 ms / 1.00; every match 159 ms.
 */
export const POSTING_BUDGET = 1_000;

interface Cached {
  /** At most `cap`: a count that reached its cap is only known to be at least that. */
  df: number;
  cap: number;
  /** The episodes' largest `seq` when the count was made: the count is redone once the table grows by a tenth. */
  at: number;
}

/** Document frequencies of words, each counted up to a cap (the GIN index, then at most that many heap rows). */
class TermFrequencies {
  readonly #cache = new Map<string, Cached>();

  /**
   * The cached count, unless it was capped below the cap asked for now, or zero: a word no episode held is
   * counted again (a GIN lookup that finds nothing), or an episode stored since would not be found by it.
   */
  get(term: string, cap: number): Cached | undefined {
    const found = this.#cache.get(term);
    return found && found.df > 0 && (found.df < found.cap || found.cap >= cap) ? found : undefined;
  }

  remember(counted: ReadonlyArray<readonly [string, number, number]>, cap: number): void {
    if (this.#cache.size > 100_000) this.#cache.clear();
    for (const [term, df, at] of counted) this.#cache.set(term, { df, at, cap });
  }
}

/** The tsvector columns a search may rank by: the whole episode, or its task alone. */
export type FtsColumn = 'fts' | 'task_fts';

/** One cache per pool and column: every namespace and connection of a store shares the store's word counts. */
const frequencies = new WeakMap<Db, Map<FtsColumn, TermFrequencies>>();

function frequenciesOf(db: Db, column: FtsColumn): TermFrequencies {
  let columns = frequencies.get(db);
  if (!columns) {
    columns = new Map();
    frequencies.set(db, columns);
  }
  let found = columns.get(column);
  if (!found) {
    found = new TermFrequencies();
    columns.set(column, found);
  }
  return found;
}

/** What a budgeted episode search adds to a statement: its CTEs, and reading back the words it counted. */
export interface BudgetedTerms {
  /**
   * CTEs for the head of the statement. `term_budget_q` is one row: `q`, the tsquery of the kept words (NULL
   * when no episode holds any of them).
   */
  ctes: string[];
  /** A scalar expression: the counted words as a JSON array of [term, df, at], for `remember`. */
  counted: string;
  /** The budget's parameter: a search ranks at most this many of the newest matching rows. */
  budget: string;
  /** Stores what the statement counted (the value `counted` produced) in the pool's cache. */
  remember(value: unknown): void;
}

/**
 * The words of a text as a budgeted query, counted in the statement that searches (no extra round trip): words
 * whose count is cached and fresh pass their count in; words whose every lexeme the column's statistics put in
 * more rows than the budget count as past it (no heap reads: counting one cost ~10–16 ms at 100k episodes);
 * the others are counted there, capped at `budget + 1`.
 * Kept: rarest first (ties in text order) while the counts sum to at most `budget`, always the rarest; words no
 * episode holds are left out. Counts are store-wide (all namespaces, as the GIN index is): in a small namespace
 * of a large shared schema the store's rarest words may be ones its episodes lack, so it can miss matches of
 * words the rest of the store holds often.
 */
export function budgetedTerms(
  p: Params,
  db: Db,
  terms: readonly string[],
  budget = POSTING_BUDGET,
  column: FtsColumn = 'fts',
): BudgetedTerms {
  const cache = frequenciesOf(db, column);
  const cached = terms.map((t) => cache.get(t, budget + 1));
  const b = p.add(budget);
  const ctes = [
    `term_budget_top AS (SELECT coalesce(max(seq), 0) AS n FROM episodes)`,
    // Words the planner's statistics (ANALYZE) put past the budget need no count; read only if a word is new.
    `term_budget_common AS MATERIALIZED (
       SELECT m.lexeme FROM pg_stats AS s CROSS JOIN pg_class AS c
         CROSS JOIN unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(lexeme, freq)
        WHERE s.schemaname = current_schema() AND s.tablename = 'episodes' AND s.attname = '${column}'
          AND c.oid = 'episodes'::regclass AND m.freq * c.reltuples > ${b})`,
    `term_budget_terms AS MATERIALIZED (
       SELECT t.term, t.ord, fresh.ok AS cached,
         CASE WHEN fresh.ok THEN t.df
           WHEN cardinality(lx.l) > 0 AND lx.l <@ (SELECT array_agg(lexeme) FROM term_budget_common)
             THEN ${b}::integer + 1
           ELSE (SELECT count(*) FROM (
             SELECT FROM episodes c WHERE c.${column} @@ websearch_to_tsquery('english', t.term) LIMIT ${b}::integer + 1) AS m)
         END AS df, top.n AS at
       FROM unnest(${p.add(terms)}::text[], ${p.add(cached.map((c) => c?.df ?? null))}::integer[],
         ${p.add(cached.map((c) => c?.at ?? null))}::bigint[]) WITH ORDINALITY AS t(term, df, at, ord)
       CROSS JOIN term_budget_top AS top
       CROSS JOIN LATERAL (SELECT t.df IS NOT NULL AND top.n <= t.at * 1.1 + 100 AS ok) AS fresh
       CROSS JOIN LATERAL (SELECT tsvector_to_array(to_tsvector('english', t.term)) AS l) AS lx)`,
    `term_budget_kept AS (
       SELECT term, df, row_number() OVER w AS n, sum(df) OVER w AS postings FROM term_budget_terms WHERE df > 0
       WINDOW w AS (ORDER BY df, ord ROWS UNBOUNDED PRECEDING))`,
    `term_budget_q AS (
       SELECT websearch_to_tsquery('english', string_agg(term, ' or ')) AS q FROM term_budget_kept
       WHERE postings <= ${b} OR n = 1)`,
  ];
  return {
    ctes,
    counted: `(SELECT json_agg(json_build_array(term, df, at)) FROM term_budget_terms WHERE NOT cached)`,
    budget: b,
    remember(value) {
      if (Array.isArray(value)) cache.remember(value as Array<[string, number, number]>, budget + 1);
    },
  };
}
