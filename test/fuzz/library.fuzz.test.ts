import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, MemoryError, SelfLearningMemory } from '../../src/index.js';
import { FUZZ_RUNS, outcomeInput, startInput, stepInput } from './arbitraries.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a call; it must work or fail with a coded error that is not INTERNAL (INTERNAL means a bug). */
async function worksOrRefuses<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof MemoryError))
      throw new Error(`not a MemoryError: ${String(error)}`, { cause: error });
    expect(ERROR_CODES).toContain(error.code);
    if (error.code === 'INTERNAL') throw new Error(`INTERNAL: ${error.message}`, { cause: error });
    return undefined;
  }
}

/** The store is intact and a normal cycle still works after whatever the fuzzer did. */
async function expectHealthy(memory: SelfLearningMemory, db: string): Promise<void> {
  const { id } = await memory.startEpisode({
    task: 'check the store after fuzzing',
    context: { domain: 'fuzz' },
  });
  await memory.logStep(id, { tool: 'read', action: 'read the file' });
  await memory.logStep(id, { tool: 'edit', action: 'fix it' });
  await memory.completeEpisode(id, { status: 'success' });
  const found = await memory.retrieve({ task: 'check the store', context: { domain: 'fuzz' } });
  expect(found.episodes.length).toBeGreaterThan(0);
  await memory.playbook({ task: 'check the store', context: { domain: 'fuzz' } });
  await memory.stats();
  const raw = new Database(db, { readonly: true });
  try {
    expect(raw.prepare('PRAGMA integrity_check').get()).toMatchObject({ integrity_check: 'ok' });
  } finally {
    raw.close();
  }
}

describe('fuzzing the library face', () => {
  it('every episode cycle either works or gets a coded error, and leaves a healthy store', async () => {
    const db = join(dir, 'cycle.db');
    const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' }, log: () => {} });
    try {
      await fc.assert(
        fc.asyncProperty(
          startInput,
          fc.array(stepInput, { maxLength: 4 }),
          outcomeInput,
          async (start, steps, outcome) => {
            const episode = await worksOrRefuses(() => memory.startEpisode(start as never));
            if (!episode) return;
            for (const step of steps) await worksOrRefuses(() => memory.logStep(episode.id, step as never));
            await worksOrRefuses(() => memory.completeEpisode(episode.id, outcome as never));
            await worksOrRefuses(() =>
              memory.retrieve({ task: episode.task, context: { domain: episode.context.domain } }),
            );
            await worksOrRefuses(() =>
              memory.playbook({ task: episode.task, context: { domain: episode.context.domain } }),
            );
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
      await expectHealthy(memory, db);
    } finally {
      await memory.close();
    }
  }, 240_000);

  it('every import record either imports or is reported with a coded error, and leaves a healthy store', async () => {
    const db = join(dir, 'import.db');
    const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' }, log: () => {} });
    try {
      const record = fc.record(
        {
          task: fc.string(),
          steps: fc.array(stepInput, { maxLength: 3 }),
          outcome: outcomeInput,
          context: startInput,
        },
        { requiredKeys: ['task', 'outcome'] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(record, fc.jsonValue({ maxDepth: 3 })), { maxLength: 5 }),
          async (records) => {
            const report = await worksOrRefuses(() => memory.importEpisodes(records));
            if (!report) return;
            expect(report.imported + report.failed.length).toBe(records.length);
            for (const failure of report.failed) expect(failure.error.code).not.toBe('INTERNAL');
          },
        ),
        { numRuns: Math.max(20, Math.floor(FUZZ_RUNS / 3)) },
      );
      await expectHealthy(memory, db);
    } finally {
      await memory.close();
    }
  }, 240_000);
});
