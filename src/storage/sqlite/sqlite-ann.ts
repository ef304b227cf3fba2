import type { StoredVector, VectorHit, VectorKind } from '../storage.js';
import type { Sql } from './driver.js';
import { toBlob } from './sqlite-vectors.js';

type Exec = (sql: string) => void;

/**
 * Options of libSQL's DiskANN index. The defaults (no compression, 3 × dims neighbours) made inserts take
 * ~10 ms and queries ~9 ms at 2k vectors of 512 dimensions, slower than the exact scan; 1-bit compressed
 * neighbours with 32 of them and search_l 40 gave ~1 ms inserts and ~0.3 ms queries at 10k on two cores.
 */
export const ANN_INDEX_OPTIONS = [
  "'metric=cosine'",
  "'compress_neighbors=float1bit'",
  "'max_neighbors=32'",
  "'search_l=40'",
];

interface AnnTable {
  table: string;
  dims: number;
}

/** The ANN table of a provider and kind, if one was made. */
export function findAnnTable(sql: Sql, provider: string, kind: VectorKind): AnnTable | undefined {
  const row = sql('SELECT table_name AS t, dims AS d FROM ann_indexes WHERE provider = ? AND kind = ?').get(
    provider,
    kind,
  ) as { t: string; d: number } | undefined;
  return row ? { table: row.t, dims: row.d } : undefined;
}

/**
 * Makes the ANN table of a provider and kind (one per pair: the index needs a fixed dimension) and fills it
 * from the exact vectors already stored. Runs inside the caller's transaction.
 */
export function ensureAnnTable(
  sql: Sql,
  exec: Exec,
  provider: string,
  kind: VectorKind,
  dims: number,
): AnnTable {
  const found = findAnnTable(sql, provider, kind);
  if (found) return found;
  const next = (sql('SELECT count(*) AS n FROM ann_indexes').get() as { n: number }).n + 1;
  const table = `ann_vectors_${next}`;
  exec(`CREATE TABLE ${table} (item_id TEXT PRIMARY KEY, vec F32_BLOB(${Math.floor(dims)}))`);
  exec(`CREATE INDEX ${table}_idx ON ${table} (libsql_vector_idx(vec, ${ANN_INDEX_OPTIONS.join(', ')}))`);
  sql('INSERT INTO ann_indexes (provider, kind, dims, table_name) VALUES (?, ?, ?, ?)').run(
    provider,
    kind,
    dims,
    table,
  );
  sql(
    `INSERT INTO ${table} (item_id, vec) SELECT item_id, vector FROM vectors WHERE provider = ? AND kind = ? AND dims = ?`,
  ).run(provider, kind, dims);
  return { table, dims };
}

/** Mirrors vectors into their ANN tables (created on first use). */
export function putAnnVectors(sql: Sql, exec: Exec, vectors: readonly StoredVector[]): void {
  for (const v of vectors) {
    const ann = ensureAnnTable(sql, exec, v.provider, v.kind, v.vector.length);
    if (ann.dims !== v.vector.length) continue;
    // An upsert keeps the rowid the index refers to (REPLACE would delete and re-insert the row).
    sql(
      `INSERT INTO ${ann.table} (item_id, vec) VALUES (?, ?) ON CONFLICT (item_id) DO UPDATE SET vec = excluded.vec`,
    ).run(v.id, toBlob(v.vector));
  }
}

/** Removes an item from every ANN table of its kind. */
export function deleteAnnVectors(sql: Sql, kind: VectorKind, id: string): void {
  const tables = sql('SELECT table_name AS t FROM ann_indexes WHERE kind = ?').all(kind) as Array<{
    t: string;
  }>;
  for (const { t } of tables) sql(`DELETE FROM ${t} WHERE item_id = ?`).run(id);
}

/** Approximate nearest neighbours through the DiskANN index; `undefined` when the provider has no index. */
export function searchAnn(
  sql: Sql,
  ns: string,
  query: { kind: VectorKind; provider: string; vector: Float32Array; limit: number },
): VectorHit[] | undefined {
  const ann = findAnnTable(sql, query.provider, query.kind);
  if (!ann || ann.dims !== query.vector.length) return undefined;
  const blob = toBlob(query.vector);
  // One index holds every namespace: ask it for more and keep this namespace's (approximate either way; a
  // namespace holding under a quarter of the items can get fewer than `limit`).
  const k = query.limit * 4;
  const rows = sql(
    `SELECT a.item_id AS id, vector_distance_cos(a.vec, ?) AS distance
     FROM vector_top_k('${ann.table}_idx', ?, ?) AS top JOIN ${ann.table} a ON a.rowid = top.id
     JOIN vectors v ON v.kind = ? AND v.provider = ? AND v.item_id = a.item_id
     WHERE v.namespace = ? ORDER BY distance LIMIT ?`,
  ).all(blob, blob, k, query.kind, query.provider, ns, query.limit) as Array<{
    id: string;
    distance: number;
  }>;
  return rows.map((r) => ({ id: r.id, score: 1 - r.distance }));
}
