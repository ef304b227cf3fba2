import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/driver.js';
import { openSqliteStorage, type SqliteStorage } from '../../src/storage/sqlite/index.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';
import { episode, runStorageContract } from './storage-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const paths = new WeakMap<SqliteStorage, string>();

runStorageContract(
  'sqlite file',
  async () => {
    const path = join(dir, `contract-${n++}.db`);
    const storage = openSqliteStorage(path);
    paths.set(storage, path);
    return storage;
  },
  async (storage) => openSqliteStorage(paths.get(storage as SqliteStorage)!),
);

runStorageContract('sqlite file with the ANN index', async () =>
  openSqliteStorage(join(dir, `contract-ann-${n++}.db`), { vectorIndex: 'ann' }),
);

describe('sqlite file specifics', () => {
  it('builds the ANN index from stored vectors when turned on, and finds the same nearest items', async () => {
    const path = join(dir, 'ann.db');
    const exact = openSqliteStorage(path);
    const episodes = Array.from({ length: 30 }, (_, i) => episode({ task: `task ${i}` }));
    for (const e of episodes) await exact.createEpisode(e);
    const unit = (i: number) => Float32Array.from({ length: 16 }, (_, j) => Math.cos(i * 0.37 + j * 1.3));
    await exact.putVectors(
      episodes.map((e, i) => ({
        kind: 'episode' as const,
        id: e.id,
        provider: 'p',
        textHash: `${i}`,
        vector: unit(i),
      })),
    );
    const query = { kind: 'episode' as const, provider: 'p', vector: unit(7), limit: 3 };
    const expected = (await exact.searchVectors(query)).map((h) => h.id);
    await exact.close();

    const indexed = openSqliteStorage(path, { vectorIndex: 'ann' });
    await indexed.putVectors([
      { kind: 'episode', id: episodes[0]!.id, provider: 'p', textHash: '0', vector: unit(0) },
    ]);
    const db = openDatabase(path);
    expect((db.prepare('SELECT count(*) AS n FROM ann_vectors_1').get() as { n: number }).n).toBe(30);
    db.close();
    expect((await indexed.searchVectors(query))[0]?.id).toBe(expected[0]);
    expect(await indexed.deleteEpisode(episodes[7]!.id)).toBe(true);
    expect((await indexed.searchVectors(query)).map((h) => h.id)).not.toContain(episodes[7]!.id);
    await indexed.close();
  });

  it('applies migrations once and records the schema version', async () => {
    const path = join(dir, 'migrate.db');
    (await openSqliteStorage(path)).close();
    const storage = openSqliteStorage(path);
    await storage.close();
    const db = openDatabase(path);
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(
      MIGRATIONS.length,
    );
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    db.close();
  });

  it('refuses a database written by a newer schema', () => {
    const path = join(dir, 'future.db');
    const db = openDatabase(path);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openSqliteStorage(path)).toThrow(/newer slmem/);
  });

  it('gives unique step numbers when two connections interleave writes', async () => {
    const path = join(dir, 'interleave.db');
    const a = openSqliteStorage(path);
    const b = openSqliteStorage(path);
    const e = episode();
    await a.createEpisode(e);
    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const writer = i % 2 === 0 ? a : b;
      seqs.push(
        (
          await writer.appendStep(
            e.id,
            {
              at: e.startedAt,
              tool: `t${i}`,
              action: '',
              params: {},
              result: { status: 'success' },
              latencyMs: 1,
              metadata: {},
            },
            100,
          )
        ).seq,
      );
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await b.getEpisode(e.id))?.steps.map((s) => s.tool)).toEqual(seqs.map((_, i) => `t${i}`));
    await a.close();
    await b.close();
  });
});
