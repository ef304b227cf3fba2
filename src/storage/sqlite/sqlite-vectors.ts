import type { StoredVector, VectorHit, VectorKind } from '../storage.js';
import { fromBlob, toBlob } from './blob.js';
import type { Sql } from './driver.js';
import { EXACT_BELOW, type SignIndexKey, signIndexFor } from './vector-index.js';

export { type SignIndexKey, warmSignIndex } from './vector-index.js';

export { fromBlob, toBlob };

/**
 * Stores vectors, replacing an item's earlier one. REPLACE deletes the old row and inserts a new one with a new
 * rowid, so the sign index, which follows the table by rowid, sees a changed vector as a new row.
 */
export function putVectors(sql: Sql, ns: string, vectors: readonly StoredVector[]): void {
  const put = sql(
    `INSERT OR REPLACE INTO vectors (kind, item_id, provider, dims, text_hash, vector, namespace)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const v of vectors)
    put.run(v.kind, v.id, v.provider, v.vector.length, v.textHash, toBlob(v.vector), ns);
}

/**
 * Nearest vectors by cosine. Episodes, once a namespace holds `EXACT_BELOW` of a provider's and the connection's
 * sign index has caught up with them: candidates from that index, scored exactly by SQLite. Otherwise (and
 * for patterns, which stay few): the exact scan inside SQLite.
 */
export function searchVectors(
  sql: Sql,
  ns: string,
  query: { kind: VectorKind; provider: string; vector: Float32Array; limit: number },
  /** Called when the sign index has not caught up, to finish that in the background. */
  warmLater?: (key: SignIndexKey) => void,
): VectorHit[] {
  if (query.kind === 'episode') {
    const key = { ns, provider: query.provider, dims: query.vector.length };
    const { index, ready } = signIndexFor(sql, key);
    if (!ready) warmLater?.(key);
    const hits =
      ready && index.size >= EXACT_BELOW
        ? index.search(sql, ns, query.provider, query.vector, query.limit)
        : undefined;
    if (hits) return hits;
  }
  return exactSearch(sql, ns, query);
}

/** Exact search: cosine distance against every vector of the provider, computed inside SQLite. */
export function exactSearch(
  sql: Sql,
  ns: string,
  query: { kind: VectorKind; provider: string; vector: Float32Array; limit: number },
): VectorHit[] {
  const rows = sql(
    `SELECT item_id AS id, vector_distance_cos(vector, ?) AS distance FROM vectors
     WHERE kind = ? AND provider = ? AND dims = ? AND namespace = ? ORDER BY distance LIMIT ?`,
  ).all(toBlob(query.vector), query.kind, query.provider, query.vector.length, ns, query.limit) as Array<{
    id: string;
    distance: number;
  }>;
  return rows.map((r) => ({ id: r.id, score: 1 - r.distance }));
}

export function getVectors(
  sql: Sql,
  ns: string,
  query: { kind: VectorKind; provider: string; ids: readonly string[] },
): Map<string, Float32Array> {
  if (query.ids.length === 0) return new Map();
  const rows = sql(
    `SELECT item_id AS id, vector FROM vectors
     WHERE kind = ? AND provider = ? AND item_id IN (SELECT value FROM json_each(?)) AND +namespace = ?`,
  ).all(query.kind, query.provider, JSON.stringify(query.ids), ns) as Array<{
    id: string;
    vector: ArrayBuffer | Uint8Array;
  }>;
  return new Map(rows.map((r) => [r.id, fromBlob(r.vector)]));
}

// `+namespace` keeps SQLite from filtering through a namespace index and sorting every row for each batch:
// scanning in rowid order stops at the first `limit` stale items.
const STALE_SQL: Record<VectorKind, string> = {
  episode: `SELECT e.id AS id FROM episodes e
    WHERE +e.namespace = ? AND e.ended_at IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM vectors v WHERE v.kind = 'episode' AND v.item_id = e.id AND v.provider = ?)
    ORDER BY e.rid LIMIT ?`,
  pattern: `SELECT p.id AS id FROM patterns p
    WHERE +p.namespace = ? AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.kind = 'pattern' AND v.item_id = p.id AND v.provider = ?)
    ORDER BY p.rowid LIMIT ?`,
};

export function staleVectorIds(
  sql: Sql,
  ns: string,
  query: { kind: VectorKind; provider: string; limit: number },
): string[] {
  const rows = sql(STALE_SQL[query.kind]).all(ns, query.provider, query.limit) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

export function countVectors(
  sql: Sql,
  ns: string,
  provider: string,
): { episodes: number; patterns: number; staleEpisodes: number; stalePatterns: number } {
  const count = (kind: VectorKind) =>
    (
      sql('SELECT count(*) AS n FROM vectors WHERE namespace = ? AND kind = ? AND provider = ?').get(
        ns,
        kind,
        provider,
      ) as { n: number }
    ).n;
  const episodes = count('episode');
  const patterns = count('pattern');
  const completed = (
    sql('SELECT count(*) AS n FROM episodes WHERE namespace = ? AND ended_at IS NOT NULL').get(ns) as {
      n: number;
    }
  ).n;
  const allPatterns = (sql('SELECT count(*) AS n FROM patterns WHERE namespace = ?').get(ns) as { n: number })
    .n;
  return {
    episodes,
    patterns,
    staleEpisodes: Math.max(0, completed - episodes),
    stalePatterns: Math.max(0, allPatterns - patterns),
  };
}

export function getCachedEmbeddings(
  sql: Sql,
  provider: string,
  hashes: readonly string[],
): Map<string, Float32Array> {
  if (hashes.length === 0) return new Map();
  const rows = sql(
    `SELECT text_hash AS hash, vector FROM embedding_cache
     WHERE provider = ? AND text_hash IN (SELECT value FROM json_each(?))`,
  ).all(provider, JSON.stringify(hashes)) as Array<{ hash: string; vector: ArrayBuffer | Uint8Array }>;
  return new Map(rows.map((r) => [r.hash, fromBlob(r.vector)]));
}

export function putCachedEmbeddings(
  sql: Sql,
  provider: string,
  entries: ReadonlyMap<string, Float32Array>,
): void {
  const put = sql('INSERT OR REPLACE INTO embedding_cache (provider, text_hash, vector) VALUES (?, ?, ?)');
  for (const [hash, vector] of entries) put.run(provider, hash, toBlob(vector));
}
