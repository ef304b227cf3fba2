import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type StorageBackend, type StoredVector } from '../../src/storage/index.js';
import { EXACT_BELOW } from '../../src/storage/sqlite/vector-index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-vector-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DIMS = 48;

/** Deterministic pseudo-random unit vectors (mulberry32). */
function vectors(count: number, seed: number): Float32Array[] {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296 - 0.5;
  };
  return Array.from({ length: count }, () => unit(Float32Array.from({ length: DIMS }, next)));
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

const stored = (id: string, vector: Float32Array): StoredVector => ({
  kind: 'episode',
  id,
  provider: 'test',
  textHash: id,
  vector,
});

describe('vector search past EXACT_BELOW vectors (the sign index, scored exactly by SQLite)', () => {
  const path = join(dir, 'vectors.db');
  const count = EXACT_BELOW + 1_000;
  const all = vectors(count, 1);
  const ids = all.map((_, i) => `e${i}`);
  let storage: StorageBackend;

  beforeAll(async () => {
    storage = await openStorage(path);
    for (let i = 0; i < count; i += 1_000) {
      await storage.putVectors(all.slice(i, i + 1_000).map((v, j) => stored(ids[i + j] as string, v)));
    }
  });
  afterAll(() => storage.close());

  const search = (vector: Float32Array, limit = 10) =>
    storage.searchVectors({ kind: 'episode', provider: 'test', vector, limit });

  it('finds nearly every one of the exact nearest, with exact scores', async () => {
    const queries = vectors(20, 2);
    let found = 0;
    for (const query of queries) {
      const exact = all
        .map((v, i) => ({ id: ids[i] as string, score: cosine(v, query) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const hits = await search(query);
      expect(hits).toHaveLength(10);
      for (const hit of hits) {
        const index = Number(hit.id.slice(1));
        expect(hit.score).toBeCloseTo(cosine(all[index] as Float32Array, query), 5);
      }
      // Best first.
      expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
      const got = new Set(hits.map((h) => h.id));
      found += exact.filter((e) => got.has(e.id)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.9);
  });

  it('follows the table: a vector added, changed or deleted (by another connection) after the first search', async () => {
    const [fresh, moved] = vectors(2, 3) as [Float32Array, Float32Array];
    await search(fresh);
    await storage.putVectors([stored('fresh', fresh)]);
    expect((await search(fresh))[0]).toMatchObject({ id: 'fresh' });
    expect((await search(fresh))[0]?.score).toBeCloseTo(1, 5);

    // Changed in place (same rowid): found under its new value, never with its old score.
    await storage.putVectors([stored('fresh', moved)]);
    const afterMove = await search(moved);
    expect(afterMove[0]).toMatchObject({ id: 'fresh' });
    expect(afterMove[0]?.score).toBeCloseTo(1, 5);
    expect((await search(fresh)).find((h) => h.id === 'fresh')?.score ?? 0).toBeLessThan(0.99);

    // Deleted by another process: never returned, and the search still returns `limit` hits.
    const other = new Database(path);
    other.prepare("DELETE FROM vectors WHERE item_id IN ('fresh', 'e0')").run();
    other.close();
    const afterDelete = await search(moved);
    expect(afterDelete.map((h) => h.id)).not.toContain('fresh');
    expect(afterDelete).toHaveLength(10);
    expect((await search(all[0] as Float32Array)).map((h) => h.id)).not.toContain('e0');
  });

  it('keeps namespaces apart', async () => {
    const other = await openStorage(path, { namespace: 'other' });
    try {
      const [mine] = vectors(1, 4) as [Float32Array];
      await other.putVectors([stored('theirs', mine)]);
      expect((await search(mine)).map((h) => h.id)).not.toContain('theirs');
      expect(
        (await other.searchVectors({ kind: 'episode', provider: 'test', vector: mine, limit: 5 })).map(
          (h) => h.id,
        ),
      ).toEqual(['theirs']);
    } finally {
      await other.close();
    }
  });
});

describe('a sign index that has not caught up', () => {
  it('answers exactly while the index catches up (first search: the exact scan), then from the index', async () => {
    const path = join(dir, 'warming.db');
    const count = 40_000;
    const all = vectors(count, 5);
    const writer = await openStorage(path);
    for (let i = 0; i < count; i += 5_000) {
      await writer.putVectors(all.slice(i, i + 5_000).map((v, j) => stored(`w${i + j}`, v)));
    }
    await writer.close();

    const storage = await openStorage(path);
    try {
      const query = all[123] as Float32Array;
      const search = () =>
        storage.searchVectors({ kind: 'episode', provider: 'test', vector: query, limit: 5 });
      // 40,000 rows are more than one search reads into the index: this one is the exact scan, and exact.
      const first = await search();
      expect(first[0]).toMatchObject({ id: 'w123' });
      expect(first[0]?.score).toBeCloseTo(1, 5);
      // The background steps read the rest without another search; the next search then uses the index.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const later = await search();
      expect(later[0]).toMatchObject({ id: 'w123' });
      expect(later[0]?.score).toBeCloseTo(1, 5);
      // Loading it on purpose (what a server does at start) reports every vector.
      expect(await storage.warmVectors?.({ provider: 'test', dims: DIMS })).toBe(count);
    } finally {
      await storage.close();
    }
  });
});

describe('SelfLearningMemory.warm', () => {
  it('loads the index of the episodes embedded so far, and is a no-op without embeddings', async () => {
    const { SelfLearningMemory } = await import('../../src/index.js');
    const path = join(dir, 'warm.db');
    const memory = await SelfLearningMemory.open({
      db: path,
      embeddings: { provider: 'hash' },
      log: () => {},
    });
    try {
      const records = Array.from({ length: 12 }, (_, i) => ({
        task: `Return order ${i} of the blue kettle`,
        steps: [{ tool: 'lookup', action: 'find order' }],
        outcome: { status: 'success' },
      }));
      expect((await memory.importEpisodes(records)).imported).toBe(12);
      await memory.flush();
      expect(await memory.warm()).toEqual({ vectors: 12 });
    } finally {
      await memory.close();
    }
    const plain = await SelfLearningMemory.open({ db: path, embeddings: false, log: () => {} });
    try {
      expect(await plain.warm()).toEqual({ vectors: 0 });
    } finally {
      await plain.close();
    }
  });
});

describe('a partitioned sign index (past 32,768 vectors)', () => {
  it('finds nearly all of the exact nearest among clustered vectors, as embeddings of related tasks are', async () => {
    const path = join(dir, 'clustered.db');
    const centres = vectors(400, 11);
    const noise = vectors(45_000, 12);
    // Each vector: a centre plus noise, so neighbours share a centre (random vectors have no real neighbours).
    const all = noise.map((n, i) =>
      unit((centres[i % centres.length] as Float32Array).map((c, d) => c + 0.6 * (n[d] as number))),
    );
    const storage = await openStorage(path);
    try {
      for (let i = 0; i < all.length; i += 5_000) {
        await storage.putVectors(all.slice(i, i + 5_000).map((v, j) => stored(`c${i + j}`, v)));
      }
      expect(await storage.warmVectors?.({ provider: 'test', dims: DIMS })).toBe(all.length);
      const queries = vectors(30, 13).map((n, i) =>
        unit((centres[(i * 7) % centres.length] as Float32Array).map((c, d) => c + 0.6 * (n[d] as number))),
      );
      let found = 0;
      for (const query of queries) {
        const exact = all
          .map((v, i) => ({ id: `c${i}`, score: cosine(v, query) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 10);
        const hits = await storage.searchVectors({
          kind: 'episode',
          provider: 'test',
          vector: query,
          limit: 10,
        });
        const got = new Set(hits.map((h) => h.id));
        found += exact.filter((e) => got.has(e.id)).length;
      }
      expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.9);
    } finally {
      await storage.close();
    }
  });
});
