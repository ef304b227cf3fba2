import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/index.js';
import { planLearning } from '../../src/learning/index.js';
import { WalCheckpointer } from '../../src/storage/sqlite/checkpoint.js';
import { openDatabase } from '../../src/storage/sqlite/driver.js';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const walBytes = (path: string): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/** A bare connection in WAL mode whose own auto-checkpoint is off: only a WalCheckpointer folds its WAL in. */
function walConnection(path: string) {
  const db = new Database(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA wal_autocheckpoint = 0');
  return db;
}

/** Waits (up to 20 s, for a busy machine) until the worker has run a whole pass after the writes so far. */
async function nextPass(checkpointer: WalCheckpointer): Promise<void> {
  // A pass running now may have started before the last write: the one after it did not.
  const after = checkpointer.rounds + 1;
  for (let waited = 0; checkpointer.rounds <= after; waited += 5) {
    if (waited > 20_000) throw new Error('no background checkpoint in 20 s');
    await sleep(5);
  }
}

describe('WalCheckpointer', () => {
  it('keeps the WAL bounded by folding it in between commits, with no checkpoint in any COMMIT', async () => {
    const path = join(dir, 'bounded.db');
    const db = walConnection(path);
    const checkpointer = new WalCheckpointer(path, { startAfterCommits: 1, intervalMs: 5, pages: 1 });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const sizes: number[] = [];
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 100; i++) {
        db.exec('BEGIN IMMEDIATE');
        insert.run(`${round}:${i}:${'x'.repeat(3_000)}`);
        db.exec('COMMIT');
        checkpointer.noteCommit();
      }
      sizes.push(walBytes(path));
      await nextPass(checkpointer);
    }
    checkpointer.stop();
    // 12 rounds wrote ~1,200 pages (~5 MB); each round starts the WAL over, so it never holds much more
    // than one round (~100 pages of rows plus their b-tree pages).
    expect(Math.max(...sizes)).toBeLessThan(2_000_000);
    expect(checkpointer.rounds).toBeGreaterThanOrEqual(12);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(1_200);
    db.close();
  });

  it("bounds the WAL by the writer's own backstop when no worker runs", () => {
    const path = join(dir, 'backstop.db');
    const db = openDatabase(path, {
      checkpoints: { startAfterCommits: Number.MAX_SAFE_INTEGER, backstopPages: 256 },
    });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    let largest = 0;
    // ~6,000 pages (24 MB) through the WAL, back to back.
    for (let i = 0; i < 2_000; i++) {
      db.exec('BEGIN IMMEDIATE');
      insert.run('x'.repeat(6_000));
      db.exec('COMMIT');
      largest = Math.max(largest, walBytes(path));
    }
    // The COMMIT that passes 256 pages folds the WAL in and the next one starts it over: one commit's pages over.
    expect(largest).toBeLessThan((256 + 8) * 4_120);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(2_000);
    db.close();
  });

  it('does not start for a connection that commits less than startAfterCommits', () => {
    const checkpointer = new WalCheckpointer(join(dir, 'never.db'), { startAfterCommits: 3 });
    checkpointer.noteCommit();
    checkpointer.noteCommit();
    expect(checkpointer.started).toBe(false);
    checkpointer.stop();
    checkpointer.noteCommit();
    expect(checkpointer.started).toBe(false);
  });

  it('runs a checkpoint of the writer exclusively and stops before the writer closes', async () => {
    const path = join(dir, 'exclusive.db');
    const db = walConnection(path);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    const checkpointer = new WalCheckpointer(path, { startAfterCommits: 1, intervalMs: 1, pages: 1 });
    checkpointer.noteCommit();
    db.exec('INSERT INTO t DEFAULT VALUES');
    await nextPass(checkpointer);
    // TRUNCATE waits for writers and readers; with no background pass in the way it always completes.
    for (let i = 0; i < 20; i++) {
      db.exec('INSERT INTO t DEFAULT VALUES');
      const result = checkpointer.exclusive(
        () => db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number },
      );
      expect(result.busy).toBe(0);
      expect(walBytes(path)).toBe(0);
    }
    checkpointer.stop();
    checkpointer.stop();
    db.close();
  });
});

const episode = (i: number): Episode => ({
  id: `ep-${i}`,
  task: `deploy service ${i} after the config change`,
  taskType: 'other',
  context: { domain: 'ops', complexity: 'simple', tags: [] },
  tags: [],
  metadata: {},
  startedAt: new Date(1_700_000_000_000 + i * 1_000).toISOString(),
  steps: [],
  patternIds: [],
  heuristicIds: [],
});

describe('a store checkpointed in the background', () => {
  it('keeps every write across close and reopen, and leaves no WAL behind', async () => {
    const path = join(dir, 'store.db');
    const options = { checkpoints: { startAfterCommits: 1, intervalMs: 1 } };
    const storage = openSqliteStorage(path, options);
    for (let i = 0; i < 60; i++) {
      await storage.createEpisode(episode(i));
      for (let s = 0; s < 3; s++) {
        await storage.appendStep(
          `ep-${i}`,
          {
            tool: ['read', 'edit', 'deploy'][s]!,
            action: `step ${s}`,
            params: {},
            result: { status: 'success' },
            latencyMs: 10,
            metadata: {},
            at: new Date(1_700_000_000_000 + i * 1_000 + s).toISOString(),
          },
          100,
        );
      }
      const ended = new Date(1_700_000_000_000 + i * 1_000 + 500).toISOString();
      await storage.completeEpisode(
        `ep-${i}`,
        { status: 'success', verdict: 'deployed', artifacts: [] },
        ended,
        (e) => planLearning(e),
      );
      if (i % 10 === 0) await sleep(2);
    }
    await storage.close();
    expect(walBytes(path)).toBe(0);

    const reopened = openSqliteStorage(path, options);
    expect((await reopened.stats()).episodes).toBe(60);
    const last = await reopened.getEpisode('ep-59');
    expect(last?.steps.map((s) => s.tool)).toEqual(['read', 'edit', 'deploy']);
    expect(last?.outcome?.status).toBe('success');
    expect((await reopened.listPatterns({})).length).toBeGreaterThan(0);
    await reopened.close();
  });
});
