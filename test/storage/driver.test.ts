import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/driver.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-driver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// all() is served from one JSON array fetched with get() (libsql leaks native memory on every all()); these
// cases pin down that the rows come back exactly as the driver's own all() gives them.
describe('openDatabase: rows of a query', () => {
  const db = openDatabase(join(dir, 'rows.db'));
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, "odd ""name""" TEXT);
    INSERT INTO t VALUES (1, 'a', 0.25, x'00ff10', 'q'), (2, NULL, -3.5, NULL, NULL), (3, '{"hex":"x"}', 1e300, x'', 'z');`);

  it('keeps values, types, nulls, blobs and column names', () => {
    const rows = db.prepare('SELECT * FROM t ORDER BY id').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      id: 1,
      name: 'a',
      score: 0.25,
      data: Buffer.from([0, 255, 16]),
      'odd "name"': 'q',
    });
    expect(rows[1]).toEqual({ id: 2, name: null, score: -3.5, data: null, 'odd "name"': null });
    // A text that looks like the blob marker stays text.
    expect(rows[2]?.name).toBe('{"hex":"x"}');
    expect(rows[2]?.score).toBe(1e300);
  });

  it('keeps the order of the query and binds parameters', () => {
    const ids = (
      db.prepare('SELECT id FROM t WHERE id >= ? ORDER BY id DESC').all(2) as Array<{ id: number }>
    ).map((r) => r.id);
    expect(ids).toEqual([3, 2]);
    expect(db.prepare('SELECT id FROM t WHERE id > ?').all(99)).toEqual([]);
  });

  it('leaves statements that are not queries to the driver', () => {
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
  });
});
