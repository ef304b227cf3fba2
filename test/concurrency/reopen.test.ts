import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { tempSqliteDb } from '../backends.js';

const READER = resolve(import.meta.dirname, 'reader.mjs');

const record = (i: number) => ({
  task: `refund order ${i} for customer ${i % 97}`,
  context: { domain: 'retail' },
  steps: [{ tool: 'find_user' }, { tool: 'refund' }],
  outcome: { status: 'success' as const },
});

describe('a memory closed and opened again while another process uses the file', () => {
  // The background checkpointer once closed its descriptor of the -shm file when its memory closed, which drops
  // every POSIX lock of the process on that file (SQLite's too): the other process then took the wal-index for
  // unused and truncated it under this process's mapping, and opening the memory again here died of SIGBUS.
  it('survives, and every write is there', async () => {
    const db = tempSqliteDb();
    const perRound = 1_500;
    for (let round = 0; round < 2; round++) {
      const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
      expect((await memory.stats()).episodes).toBe(round * perRound);
      // Enough frames that the wal-index grows past its first 32 KB region (4,096 frames), and enough commits
      // (the reindex's) for the checkpointer's worker to start.
      await memory.importEpisodes(
        Array.from({ length: perRound }, (_, i) => record(round * perRound + i)),
        { batchSize: 500, embed: false },
      );
      await memory.reindex();
      await memory.close();
      const reader = spawnSync(process.execPath, [READER, db], { encoding: 'utf8' });
      expect(reader.stderr).toBe('');
      expect(reader.status).toBe(0);
    }
    const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
    expect((await memory.stats()).episodes).toBe(2 * perRound);
    expect((await memory.retrieve({ task: 'refund order 5' })).episodes.length).toBeGreaterThan(0);
    await memory.close();
  });
});
