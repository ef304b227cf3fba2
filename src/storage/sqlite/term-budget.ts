import type { Sql } from './driver.js';
import { ftsTerms, quoteFtsTerm } from './fts-query.js';

/**
 * Postings a full-text search may rank: the rarest query terms are kept while the sum of their document
 * frequencies stays within it. BM25 costs about 1.5 µs per matching row, and a long task text ORs 20–60 terms
 * that together match most of the store (7,000 of 10,000 episodes), so ranking them all grows with the store.
 * Bounded this way a search reads at most about this many rows at any size. Chosen by measurement on the
 * bench store at 10k episodes (search time / top-10 overlap with the whole query): 1,000 → 0.6 ms / 0.76,
 * 2,000 → 1.0 ms / 0.81, 4,000 → 1.7 ms / 0.92. On `npm run eval -- --quick --providers hash` (stores of a few
 * hundred episodes, where the budget already drops common words from tau tasks) 4,000 and 1,000 left every
 * figure as with no budget (tau hybrid+rerank MRR 0.808, noisy slmem write F1 0.318 / 0.536); 300 cost tau
 * 0.077 of MRR.
 */
export const POSTING_BUDGET = 2_000;

/** What a budgeted search runs: an FTS5 MATCH and whether the matches must be capped to the newest. */
export interface BudgetedQuery {
  match: string;
  /** Set when even the rarest term matches more rows than the budget: rank only its newest `limit` rows. */
  newest?: number;
}

interface Cached {
  df: number;
  /** The table's largest rowid when the count was made: the count is redone once the table grows by a tenth. */
  at: number;
}

/** Document frequencies of terms in one FTS5 table, counted up to the budget and cached per connection. */
class TermFrequencies {
  readonly #table: FtsTable;
  readonly #cache = new Map<string, Cached>();

  constructor(table: FtsTable) {
    this.#table = table;
  }

  /** Each term's document frequency, capped at `budget + 1` (a term past the budget is never ranked alone). */
  lookup(sql: Sql, terms: readonly string[], budget: number): Map<string, number> {
    // The content table's largest rowid is a B-tree lookup (the FTS5 table's would be a scan).
    const top =
      (sql(`SELECT max(rowid) AS m FROM ${CONTENT[this.#table]}`).get() as { m: number | null }).m ?? 0;
    const count = sql(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${this.#table} WHERE ${this.#table} MATCH ? LIMIT ?)`,
    );
    if (this.#cache.size > 100_000) this.#cache.clear();
    const dfs = new Map<string, number>();
    for (const term of terms) {
      const cached = this.#cache.get(term);
      if (cached && top - cached.at <= cached.at / 10) {
        dfs.set(term, cached.df);
        continue;
      }
      const df = (count.get(quoteFtsTerm(term), budget + 1) as { n: number }).n;
      // A word no row holds is counted again next time (a lookup that finds nothing costs little): kept, it
      // would leave an episode written since unfound by that word until the table grew by a tenth.
      if (df > 0) this.#cache.set(term, { df, at: top });
      dfs.set(term, df);
    }
    return dfs;
  }
}

export type FtsTable = 'episodes_fts' | 'episode_tasks_fts' | 'patterns_fts';

/** The table whose rows each FTS5 table indexes (same rowids). */
const CONTENT: Record<FtsTable, string> = {
  episodes_fts: 'episodes',
  episode_tasks_fts: 'episodes',
  patterns_fts: 'patterns',
};

const frequencies = new WeakMap<Sql, Map<FtsTable, TermFrequencies>>();

function frequenciesOf(sql: Sql, table: FtsTable): TermFrequencies {
  let tables = frequencies.get(sql);
  if (!tables) {
    tables = new Map();
    frequencies.set(sql, tables);
  }
  let found = tables.get(table);
  if (!found) {
    found = new TermFrequencies(table);
    tables.set(table, found);
  }
  return found;
}

/**
 * The FTS5 query for a text within the posting budget: its content words (as `toFtsQuery` picks them), rarest
 * first while their document frequencies sum to at most `budget`. Words no row contains are left out. When
 * even the rarest word is past the budget, that word alone, ranked over its newest `budget` rows. `null`
 * when no row contains any of the words.
 */
export function budgetedQuery(
  sql: Sql,
  table: FtsTable,
  text: string,
  budget = POSTING_BUDGET,
): BudgetedQuery | null {
  const terms = ftsTerms(text);
  if (terms.length === 0) return null;
  const dfs = frequenciesOf(sql, table).lookup(sql, terms, budget);
  const ranked = terms
    .map((term, order) => ({ term, order, df: dfs.get(term) ?? 0 }))
    .filter((t) => t.df > 0)
    .sort((a, b) => a.df - b.df || a.order - b.order);
  const rarest = ranked[0];
  if (!rarest) return null;
  if (rarest.df > budget) return { match: quoteFtsTerm(rarest.term), newest: budget };
  const kept: string[] = [];
  let postings = 0;
  for (const { term, df } of ranked) {
    if (postings + df > budget) break;
    kept.push(term);
    postings += df;
  }
  return { match: kept.map(quoteFtsTerm).join(' OR ') };
}
