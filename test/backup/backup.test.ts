import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryError, SelfLearningMemory } from '../../src/index.js';
import { dumpTables, fillStore, openMemory, startWriter } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = (name: string) => join(dir, `${n++}-${name}`);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return (error as MemoryError).code;
}

describe('backup and restore', () => {
  it('round-trips every table row by row: episodes in progress, feedback, links, checkpoints, vectors', async () => {
    const source = path('source.db');
    const memory = await openMemory(source);
    const { inProgress, done } = await fillStore(memory);
    const snapshot = path('snapshot.db');
    const info = await memory.backup(snapshot);
    expect(info).toMatchObject({ path: snapshot, episodes: 6 });
    expect(info.patterns).toBeGreaterThan(0);
    const before = dumpTables(source);
    const patterns = await memory.listPatterns({ limit: 100 });
    await memory.close();

    const target = path('restored.db');
    await SelfLearningMemory.restore(snapshot, { db: target });
    const after = dumpTables(target);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const table of [
      'feedback',
      'checkpoints',
      'episode_links',
      'vectors',
      'tool_evidence',
      'heuristics',
    ]) {
      expect(before[table]?.length, table).toBeGreaterThan(0);
    }
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);

    // The restored store works: the episode in progress goes on, feedback and links are there.
    const restored = await openMemory(target);
    expect((await restored.listCheckpoints(inProgress)).map((c) => c.note)).toEqual(['found the store']);
    expect(await restored.listLinks(done[0]!)).toHaveLength(2);
    // Feedback moved one pattern's effectiveness; the restored pattern has it.
    expect(await restored.listPatterns({ limit: 100 })).toEqual(patterns);
    expect(patterns.some((p) => p.feedbackApplied === 1 && p.effectiveness !== 0.5)).toBe(true);
    await restored.logStep(inProgress, { tool: 'edit', action: 'split store' });
    await restored.completeEpisode(inProgress, { status: 'success' });
    await restored.close();
  });

  it('takes a consistent snapshot while another process keeps writing', async () => {
    const source = path('busy.db');
    const memory = await openMemory(source);
    await fillStore(memory);
    const writer = await startWriter(source);
    const snapshot = path('busy-snapshot.db');
    let info: Awaited<ReturnType<SelfLearningMemory['backup']>>;
    try {
      info = await memory.backup(snapshot);
    } finally {
      await writer.stop();
    }
    const db = new Database(snapshot, { readonly: true });
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    const written = db
      .prepare(
        "SELECT e.task, e.step_count, count(s.seq) AS steps FROM episodes e LEFT JOIN steps s ON s.episode_rid = e.rid WHERE e.domain = 'load' GROUP BY e.rid ORDER BY e.rid",
      )
      .all() as Array<{ task: string; step_count: number; steps: number }>;
    db.close();
    // A point in time: the first k writes, each whole (no episode without its steps).
    expect(written.length).toBeGreaterThan(20);
    expect(written.map((w) => w.task)).toEqual(written.map((_, i) => `w-${i}`));
    expect(written.every((w) => w.step_count === 3 && w.steps === 3)).toBe(true);
    expect(info.episodes).toBe(6 + written.length);
    // The writer went on after the snapshot was taken.
    const live = new Database(source, { readonly: true });
    const total = (
      live.prepare("SELECT count(*) AS n FROM episodes WHERE domain = 'load'").get() as { n: number }
    ).n;
    live.close();
    expect(total).toBeGreaterThan(written.length);
    await memory.close();
  });

  it('refuses to overwrite an existing backup file or a non-empty database without force', async () => {
    const source = path('a.db');
    const memory = await openMemory(source);
    const e = await memory.startEpisode({ task: 'only one' });
    const snapshot = path('a-snapshot.db');
    await memory.backup(snapshot);
    expect(await codeOf(memory.backup(snapshot))).toBe('CONFLICT');

    const other = path('other.db');
    const busy = await openMemory(other);
    await busy.startEpisode({ task: 'something else' });
    await busy.close();
    expect(await codeOf(SelfLearningMemory.restore(snapshot, { db: other }))).toBe('CONFLICT');
    const replaced = await SelfLearningMemory.restore(snapshot, { db: other, force: true });
    expect(replaced.episodes).toBe(1);
    const check = await openMemory(other);
    expect((await check.listEpisodes()).map((x) => x.id)).toEqual([e.id]);
    await check.close();

    // An empty store (opened once, nothing written) is not worth protecting.
    const empty = path('empty.db');
    await (await openMemory(empty)).close();
    await SelfLearningMemory.restore(snapshot, { db: empty });
    await memory.close();
  });

  it('refuses a file that is not a sound slmem database', async () => {
    const garbage = path('garbage.db');
    writeFileSync(garbage, 'not a database at all, just text '.repeat(200));
    expect(await codeOf(SelfLearningMemory.restore(garbage, { db: path('t.db') }))).toBe('INVALID_INPUT');
    expect(await codeOf(SelfLearningMemory.restore(path('missing.db'), { db: path('t.db') }))).toBe(
      'NOT_FOUND',
    );
    const plain = path('plain.db');
    const db = new Database(plain);
    db.exec('CREATE TABLE x (a)');
    db.close();
    expect(await codeOf(SelfLearningMemory.restore(plain, { db: path('t.db') }))).toBe('INVALID_INPUT');
  });
});
