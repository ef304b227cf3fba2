import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/index.js';
import { planLearning } from '../../src/learning/index.js';
import { openDatabase } from '../../src/storage/sqlite/driver.js';
import { SqliteStorage } from '../../src/storage/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const episode = (i: number): Episode => ({
  id: `ep-${i}`,
  task: `task ${i} ${'padding '.repeat(400)}`,
  taskType: 'other',
  context: { domain: 'web', complexity: 'simple', tags: [] },
  tags: [],
  metadata: {},
  startedAt: new Date(1_700_000_000_000 + i).toISOString(),
  steps: [],
  patternIds: [],
  heuristicIds: [],
});

/** A store whose file may not grow past its current size plus a few pages: writes soon hit SQLITE_FULL. */
function nearlyFullStore(name: string): SqliteStorage {
  const db = openDatabase(join(dir, name));
  const storage = new SqliteStorage(db);
  const { page_count } = db.prepare('PRAGMA page_count').get() as { page_count: number };
  db.exec(`PRAGMA max_page_count = ${page_count + 4}`);
  return storage;
}

async function fillUntilError(storage: SqliteStorage): Promise<unknown> {
  for (let i = 1; i < 200; i++) {
    try {
      await storage.createEpisode(episode(i));
    } catch (error) {
      return error;
    }
  }
  throw new Error('the store never filled up');
}

describe('a full disk', () => {
  it('is reported as STORAGE_ERROR saying the disk is full, not as a failed rollback', async () => {
    const storage = nearlyFullStore('full.db');
    await storage.createEpisode(episode(0));
    const error = await fillUntilError(storage);
    expect(error).toMatchObject({ code: 'STORAGE_ERROR' });
    expect((error as Error).message).toMatch(/disk is full.*free space and retry/);
    expect((error as Error).message).not.toMatch(/no transaction is active/);
    // The store still reads, and the failed write left nothing behind.
    expect((await storage.getEpisode('ep-0'))?.task).toContain('task 0');
    expect((await storage.stats()).episodes).toBeGreaterThan(0);
    await storage.close();
  });

  it('fails a whole import batch with the same error, not a savepoint error', async () => {
    const storage = nearlyFullStore('full-import.db');
    const finished = Array.from({ length: 40 }, (_, i) => ({
      ...episode(i),
      endedAt: new Date(1_700_000_100_000 + i).toISOString(),
      outcome: { status: 'success' as const, verdict: 'done', artifacts: [] },
    }));
    const error = await storage
      .importEpisodes(finished, (e) => planLearning(e, {}))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: 'STORAGE_ERROR' });
    expect((error as Error).message).toMatch(/disk is full/);
    await storage.close();
  });
});
