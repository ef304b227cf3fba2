import type { VectorHit } from '../storage.js';
import { fromBlob, toBlob } from './blob.js';
import type { Sql } from './driver.js';

/**
 * Below this many vectors a search is the exact scan inside SQLite; above it, the sign index below picks
 * candidates and SQLite scores only those. The exact scan costs ~2.5 ms per 1,000 vectors of 384 dimensions
 * (a quiet machine); the index path ~0.8 ms at 1,000, where its first stage keeps every vector and its 8-bit
 * stage hands SQLite the best 100, so the top 50 are the exact ones but for near-ties. At 4,096, hybrid search
 * on a 1k store cost 5.7 ms p50 against 3.4 for lexical (`npm run bench -- --full`).
 */
export const EXACT_BELOW = 256;

/**
 * Candidates the sign scan keeps for the 8-bit scoring, and per result asked for, the 8-bit scoring for SQLite's.
 * At 10k hash vectors, of the exact 50 nearest: 2,000 candidates find 0.944, 1,000 find 0.913, 500 find 0.868;
 * of the exact 10 nearest, all three find 0.996-0.999 (within the 50 returned).
 */
const SIGN_CANDIDATES = 1_000;
const EXACT_FACTOR = 2;

/** Rows read from SQLite per step while the index catches up with the table. */
const LOAD_CHUNK = 4_096;

/**
 * An in-memory index of one provider's episode vectors in one namespace: each vector reduced to the signs of
 * its components (two bit planes: positive, negative; 96 bytes for 384 dimensions), so that a query compares
 * against every vector with a few integer operations per 32 dimensions. Agreement of signs approximates the
 * cosine well enough to pick candidates, which SQLite then scores exactly, so results carry exact scores and
 * a vector deleted or changed since it was indexed is dropped or re-scored.
 *
 * It follows the table by rowid: each search first reads rows added since the last one (a range scan on the
 * rowid), and starts over when rows at the top were removed (the largest rowid went down).
 */
export class SignIndex {
  readonly #dims: number;
  readonly #words: number;
  #ids: string[] = [];
  #planes: Int32Array;
  /** Each vector's components scaled to -127..127 by its largest, and that scale. */
  #bytes: Int8Array;
  #scales: Float32Array;
  #size = 0;
  /** The largest `vectors` rowid read so far. */
  #seen = 0;

  constructor(dims: number) {
    this.#dims = dims;
    this.#words = Math.ceil(dims / 32);
    this.#planes = new Int32Array(1024 * 2 * this.#words);
    this.#bytes = new Int8Array(1024 * dims);
    this.#scales = new Float32Array(1024);
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Reads rows added since the last call, at most `maxRows` of them; true once it has read up to the table's
   * last row.
   */
  sync(sql: Sql, ns: string, provider: string, maxRows = Number.POSITIVE_INFINITY): boolean {
    const top = (sql('SELECT max(rowid) AS m FROM vectors').get() as { m: number | null }).m ?? 0;
    if (top < this.#seen) this.#reset();
    if (top === this.#seen) return true;
    const read = sql(
      `SELECT rowid AS r, item_id AS id, vector AS v FROM vectors
       WHERE rowid > ? AND kind = 'episode' AND provider = ? AND dims = ? AND namespace = ? ORDER BY rowid LIMIT ?`,
    );
    const chunk = Math.min(LOAD_CHUNK, maxRows);
    for (let budget = maxRows; budget > 0; budget -= chunk) {
      const rows = read.all(this.#seen, provider, this.#dims, ns, chunk) as Array<{
        r: number;
        id: string;
        v: ArrayBuffer | Uint8Array;
      }>;
      for (const row of rows) this.#add(row.id, fromBlob(row.v));
      const last = rows.at(-1);
      if (last) this.#seen = last.r;
      if (rows.length < chunk) {
        this.#seen = Math.max(this.#seen, top);
        return true;
      }
    }
    return false;
  }

  /**
   * The `limit` nearest by cosine, exactly scored by SQLite among the sign index's best candidates; undefined
   * when fewer come back than asked (rows deleted since they were indexed): the index then starts over.
   */
  search(
    sql: Sql,
    ns: string,
    provider: string,
    query: Float32Array,
    limit: number,
  ): VectorHit[] | undefined {
    const hits = this.#search(sql, ns, provider, query, limit);
    if (hits.length >= Math.min(limit, this.#size)) return hits;
    this.#reset();
    return undefined;
  }

  #search(sql: Sql, ns: string, provider: string, query: Float32Array, limit: number): VectorHit[] {
    const ids = this.#candidates(
      query,
      Math.min(this.#size, Math.max(limit * EXACT_FACTOR, SIGN_CANDIDATES)),
      limit * EXACT_FACTOR,
    );
    const rows = sql(
      `SELECT item_id AS id, vector_distance_cos(vector, ?) AS distance FROM vectors
       WHERE kind = 'episode' AND provider = ? AND item_id IN (SELECT value FROM json_each(?)) AND +namespace = ?
       ORDER BY distance LIMIT ?`,
    ).all(toBlob(query), provider, JSON.stringify(ids), ns, limit) as Array<{ id: string; distance: number }>;
    return rows.map((r) => ({ id: r.id, score: 1 - r.distance }));
  }

  #reset(): void {
    this.#ids = [];
    this.#size = 0;
    this.#seen = 0;
  }

  #add(id: string, vector: Float32Array): void {
    const w = this.#words;
    if (this.#size === this.#scales.length) {
      const planes = new Int32Array(this.#planes.length * 2);
      planes.set(this.#planes);
      this.#planes = planes;
      const bytes = new Int8Array(this.#bytes.length * 2);
      bytes.set(this.#bytes);
      this.#bytes = bytes;
      const scales = new Float32Array(this.#scales.length * 2);
      scales.set(this.#scales);
      this.#scales = scales;
    }
    const at = this.#size * 2 * w;
    this.#planes.fill(0, at, at + 2 * w);
    signPlanes(vector, this.#planes, at, w);
    let max = 0;
    for (const v of vector) max = Math.max(max, Math.abs(v));
    const scale = max === 0 ? 0 : 127 / max;
    const from = this.#size * this.#dims;
    for (let d = 0; d < this.#dims; d++) this.#bytes[from + d] = Math.round((vector[d] ?? 0) * scale);
    this.#scales[this.#size] = max / 127;
    this.#ids[this.#size] = id;
    this.#size += 1;
  }

  /**
   * Ids of the `keep` vectors nearest the query by their 8-bit components, among the `take` whose signs agree
   * most with the query's (ties by insertion order).
   */
  #candidates(query: Float32Array, take: number, keep: number): string[] {
    const w = this.#words;
    const q = new Int32Array(2 * w);
    signPlanes(query, q, 0, w);
    const agreement = new Int32Array(this.#size);
    const planes = this.#planes;
    for (let i = 0, at = 0; i < this.#size; i++, at += 2 * w) {
      let s = 0;
      for (let j = 0; j < w; j++) {
        const p = planes[at + j] as number;
        const n = planes[at + w + j] as number;
        const qp = q[j] as number;
        const qn = q[w + j] as number;
        const agree = (qp & p) | (qn & n);
        const differ = (qp & n) | (qn & p);
        s +=
          (BITS[agree & 0xffff] as number) +
          (BITS[agree >>> 16] as number) -
          (BITS[differ & 0xffff] as number) -
          (BITS[differ >>> 16] as number);
      }
      agreement[i] = s;
    }
    const near = topIndices(agreement, take);
    const dims = this.#dims;
    const bytes = this.#bytes;
    const dots = near.map((i) => {
      let dot = 0;
      for (let d = 0, at = i * dims; d < dims; d++) dot += (bytes[at + d] as number) * (query[d] as number);
      return { i, dot: dot * (this.#scales[i] as number) };
    });
    dots.sort((a, b) => b.dot - a.dot || a.i - b.i);
    return dots.slice(0, keep).map((c) => this.#ids[c.i] as string);
  }
}

/** Writes the positive and negative sign planes of `vector` at `at` (positive words first). */
function signPlanes(vector: Float32Array, out: Int32Array, at: number, words: number): void {
  for (let d = 0; d < vector.length; d++) {
    const v = vector[d] as number;
    const word = at + (v > 0 ? 0 : words) + (d >> 5);
    if (v !== 0) out[word] = (out[word] as number) | (1 << (d & 31));
  }
}

/** Set bits of every 16-bit number: two lookups count a word (1.5x faster than bit twiddling here). */
const BITS = (() => {
  const table = new Uint8Array(65_536);
  for (let i = 1; i < table.length; i++) table[i] = (i & 1) + (table[i >>> 1] as number);
  return table;
})();

/** Indices of the `k` highest scores, in no particular order (a counting pass over the small integer range). */
function topIndices(scores: Int32Array, k: number): number[] {
  if (scores.length === 0 || k <= 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const counts = new Int32Array(max - min + 1);
  for (const s of scores) counts[s - min] = (counts[s - min] as number) + 1;
  // The lowest score that still makes the top k.
  let threshold = max;
  for (let seen = 0; threshold >= min; threshold--) {
    seen += counts[threshold - min] as number;
    if (seen >= k) break;
  }
  // Everything above the threshold, then ties at it in insertion order until k (no sort: order does not matter
  // to the caller, which scores the candidates again).
  const picked: number[] = [];
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > threshold) picked.push(i);
  for (let i = 0; i < scores.length && picked.length < k; i++) if (scores[i] === threshold) picked.push(i);
  return picked;
}

const indexes = new WeakMap<Sql, Map<string, SignIndex>>();

/**
 * Rows a search may add to a sign index that is still catching up with the table (about 10-40 ms of reading).
 * A process that searches once (the CLI) never pays for loading a whole index; a server has it after a few
 * searches (7 at 100k episodes), and each search until then is the exact scan.
 */
const WARM_ROWS = 16_384;

/** Which sign index: one per namespace, provider and dimension, per connection. */
export interface SignIndexKey {
  ns: string;
  provider: string;
  dims: number;
}

function indexOf(sql: Sql, key: SignIndexKey): SignIndex {
  let byKey = indexes.get(sql);
  if (!byKey) {
    byKey = new Map();
    indexes.set(sql, byKey);
  }
  const id = JSON.stringify([key.ns, key.provider, key.dims]);
  let index = byKey.get(id);
  if (!index) {
    index = new SignIndex(key.dims);
    byKey.set(id, index);
  }
  return index;
}

/**
 * The sign index of a provider's episode vectors in a namespace, for one connection, and whether it has caught
 * up with the table (searches use it only then).
 */
export function signIndexFor(sql: Sql, key: SignIndexKey): { index: SignIndex; ready: boolean } {
  const index = indexOf(sql, key);
  return { index, ready: index.sync(sql, key.ns, key.provider, WARM_ROWS) };
}

/** Rows per background step: a few ms of reading, so calls waiting on the event loop are not held up long. */
const BACKGROUND_ROWS = 1_024;

/** One background step of catching an index up: whether it has, and how many vectors it holds. */
export function warmSignIndex(sql: Sql, key: SignIndexKey): { ready: boolean; size: number } {
  const index = indexOf(sql, key);
  const ready = index.sync(sql, key.ns, key.provider, BACKGROUND_ROWS);
  return { ready, size: index.size };
}
