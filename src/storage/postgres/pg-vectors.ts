import { createHash } from 'node:crypto';
import type { StoredVector, VectorHit, VectorKind } from '../storage.js';
import { type Db, Params } from './pg-reads.js';

/**
 * Vectors in pgvector's `vector` column (any dimension). Search is exact: cosine distance against every vector
 * of the provider and dimension. For each (provider, dims) there is also an HNSW cosine index over
 * `embedding::vector(dims)`, partial on `provider = … AND dims = …`, made on the first write of such vectors;
 * the search uses the same expression and predicate, so the planner takes the index when the table is large.
 */

/** pgvector's text form, `[1,2,3]`: float32 values print exactly as `float4` reads them back. */
export function toVectorText(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}

export function fromVectorText(text: string): Float32Array {
  const inner = text.trim().slice(1, -1);
  return inner === '' ? new Float32Array(0) : Float32Array.from(inner.split(','), Number);
}

/** HNSW indexes `vector` columns up to 2,000 dimensions; larger vectors are searched exactly. */
export const HNSW_MAX_DIMS = 2000;

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function dimsOf(length: number): number {
  if (!Number.isSafeInteger(length) || length < 1) throw new Error(`bad vector length ${length}`);
  return length;
}

/** The partial index's predicate, written the same way in the index and in the search. */
function partial(provider: string, dims: number): string {
  return `provider = ${literal(provider)} AND dims = ${dimsOf(dims)}`;
}

/** The index name: a hash of provider and dims, so any provider name makes a valid identifier. */
export function hnswIndexName(provider: string, dims: number): string {
  const hash = createHash('sha256').update(`${provider}\u0000${dims}`).digest('hex').slice(0, 16);
  return `vectors_hnsw_${hash}`;
}

/**
 * Makes the HNSW index of (provider, dims) unless it exists. Run before the vectors are written in the same
 * transaction, so it never waits for a table lock while holding row locks on `vectors`; an advisory lock keeps
 * two processes from building the same index at once.
 */
export async function ensureHnswIndex(db: Db, provider: string, dims: number): Promise<boolean> {
  if (dims > HNSW_MAX_DIMS) return false;
  const name = hnswIndexName(provider, dims);
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`slmem:index:${name}`]);
  const { rows } = await db.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name]);
  if (rows[0]?.found) return true;
  await db.query(
    `CREATE INDEX IF NOT EXISTS ${name} ON vectors USING hnsw ((embedding::vector(${dimsOf(dims)})) vector_cosine_ops)
     WHERE ${partial(provider, dims)}`,
  );
  return true;
}

/**
 * Stores (or replaces) the vectors in one statement; the last of two with the same key wins. A vector of an item
 * of another namespace is left as it is (item ids are unique across the store).
 */
export async function putVectors(db: Db, ns: string, vectors: readonly StoredVector[]): Promise<void> {
  if (vectors.length === 0) return;
  const byKey = new Map(vectors.map((v) => [`${v.kind}\u0000${v.provider}\u0000${v.id}`, v]));
  const items = [...byKey.values()];
  await db.query(
    `INSERT INTO vectors (namespace, kind, provider, item_id, dims, text_hash, embedding)
     SELECT $1, k, p, i, d, h, e::vector
       FROM unnest($2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[]) AS t(k, p, i, d, h, e)
     ON CONFLICT (kind, provider, item_id) DO UPDATE SET dims = excluded.dims, text_hash = excluded.text_hash,
       embedding = excluded.embedding WHERE vectors.namespace = excluded.namespace`,
    [
      ns,
      items.map((v) => v.kind),
      items.map((v) => v.provider),
      items.map((v) => v.id),
      items.map((v) => v.vector.length),
      items.map((v) => v.textHash),
      items.map((v) => toVectorText(v.vector)),
    ],
  );
}

/**
 * Exact nearest neighbours by cosine, written with the HNSW index's expression and predicate so the planner may
 * use it; null for an empty vector or limit. Rows: id, distance (NaN against a zero vector).
 */
export function searchSql(
  p: Params,
  ns: string,
  query: { kind: VectorKind; provider: string; vector: Float32Array; limit: number },
): string | null {
  if (query.vector.length === 0 || query.limit <= 0) return null;
  const d = dimsOf(query.vector.length);
  const q = p.add(toVectorText(query.vector));
  return `SELECT item_id AS id, (embedding::vector(${d})) <=> ${q}::vector(${d}) AS distance FROM vectors
    WHERE ${partial(query.provider, d)} AND kind = ${p.add(query.kind)} AND namespace = ${p.add(ns)}
    ORDER BY (embedding::vector(${d})) <=> ${q}::vector(${d}) LIMIT ${p.add(query.limit)}`;
}

/** Rows of `searchSql` as hits: score = 1 - cosine distance; a zero vector has no direction and matches nothing. */
export function toHits(rows: ReadonlyArray<{ id: string; distance: number | string }>): VectorHit[] {
  return rows.flatMap((r) => {
    const distance = Number(r.distance);
    return Number.isFinite(distance) ? [{ id: r.id, score: 1 - distance }] : [];
  });
}

export async function searchVectors(
  db: Db,
  ns: string,
  query: { kind: VectorKind; provider: string; vector: Float32Array; limit: number },
): Promise<VectorHit[]> {
  const p = new Params();
  const sql = searchSql(p, ns, query);
  if (sql === null) return [];
  const { rows } = await db.query<{ id: string; distance: number }>(sql, p.values);
  return toHits(rows);
}

export async function getVectors(
  db: Db,
  ns: string,
  query: { kind: VectorKind; provider: string; ids: readonly string[] },
): Promise<Map<string, Float32Array>> {
  if (query.ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; v: string }>(
    `SELECT item_id AS id, embedding::text AS v FROM vectors
     WHERE kind = $1 AND provider = $2 AND item_id = ANY($3::text[]) AND namespace = $4`,
    [query.kind, query.provider, [...query.ids], ns],
  );
  const byId = new Map(rows.map((r) => [r.id, fromVectorText(r.v)]));
  // In the order asked, as the SQLite store returns them.
  return new Map(query.ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])));
}

const STALE_SQL: Record<VectorKind, string> = {
  episode: `SELECT e.id FROM episodes e
    WHERE e.namespace = $1 AND e.ended_at IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM vectors v WHERE v.kind = 'episode' AND v.item_id = e.id AND v.provider = $2)
    ORDER BY e.seq LIMIT $3`,
  pattern: `SELECT p.id FROM patterns p
    WHERE p.namespace = $1 AND NOT EXISTS (
      SELECT 1 FROM vectors v WHERE v.kind = 'pattern' AND v.item_id = p.id AND v.provider = $2)
    ORDER BY p.seq LIMIT $3`,
};

export async function staleVectorIds(
  db: Db,
  ns: string,
  query: { kind: VectorKind; provider: string; limit: number },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(STALE_SQL[query.kind], [ns, query.provider, query.limit]);
  return rows.map((r) => r.id);
}

export async function countVectors(
  db: Db,
  ns: string,
  provider: string,
): Promise<{ episodes: number; patterns: number; staleEpisodes: number; stalePatterns: number }> {
  const { rows } = await db.query<{ episodes: number; patterns: number; completed: number; all: number }>(
    `SELECT
       (SELECT count(*) FROM vectors WHERE namespace = $1 AND kind = 'episode' AND provider = $2) AS episodes,
       (SELECT count(*) FROM vectors WHERE namespace = $1 AND kind = 'pattern' AND provider = $2) AS patterns,
       (SELECT count(*) FROM episodes WHERE namespace = $1 AND ended_at IS NOT NULL) AS completed,
       (SELECT count(*) FROM patterns WHERE namespace = $1) AS "all"`,
    [ns, provider],
  );
  const row = rows[0]!;
  return {
    episodes: row.episodes,
    patterns: row.patterns,
    staleEpisodes: Math.max(0, row.completed - row.episodes),
    stalePatterns: Math.max(0, row.all - row.patterns),
  };
}

/** The embedding cache is shared by every namespace: the same text embeds the same way anywhere. */
export async function getCachedEmbeddings(
  db: Db,
  provider: string,
  hashes: readonly string[],
): Promise<Map<string, Float32Array>> {
  if (hashes.length === 0) return new Map();
  const { rows } = await db.query<{ hash: string; v: string }>(
    `SELECT text_hash AS hash, embedding::text AS v FROM embedding_cache
     WHERE provider = $1 AND text_hash = ANY($2::text[])`,
    [provider, [...hashes]],
  );
  return new Map(rows.map((r) => [r.hash, fromVectorText(r.v)]));
}

export async function putCachedEmbeddings(
  db: Db,
  provider: string,
  entries: ReadonlyMap<string, Float32Array>,
): Promise<void> {
  if (entries.size === 0) return;
  await db.query(
    `INSERT INTO embedding_cache (provider, text_hash, embedding)
     SELECT $1, h, e::vector FROM unnest($2::text[], $3::text[]) AS t(h, e)
     ON CONFLICT (provider, text_hash) DO UPDATE SET embedding = excluded.embedding`,
    [provider, [...entries.keys()], [...entries.values()].map(toVectorText)],
  );
}
