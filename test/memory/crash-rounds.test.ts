import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { crashRound } from '../../scripts/soak/crash-round.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-crash-rounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DIST = resolve('dist/index.js');

/** A package entry the writers import instead of dist: `prelude` runs first, then dist is re-exported. */
function entry(name: string, prelude: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `${prelude}\nexport * from ${JSON.stringify(pathToFileURL(DIST).href)};\n`);
  return file;
}

/** What a writer acknowledged: one line per episode started, step logged and episode completed. */
const writes = (a: { episodes: number; steps: number; completions: number }) =>
  a.episodes + a.steps + a.completions;

describe('crash rounds (a short npm run soak)', () => {
  it('loses no acknowledged step or completion when two writers are killed mid-work, round after round', async () => {
    const db = join(dir, 'rounds.db');
    for (const [round, extraMs] of [0, 300, 150, 500].entries()) {
      const report = await crashRound({
        db,
        dist: DIST,
        processes: 2,
        minWrites: 10,
        extraMs,
        seed: round + 1,
      });
      expect(report.problems).toEqual([]);
      // The kill came after both writers had made progress, however slowly they started.
      expect(writes(report.acknowledged)).toBeGreaterThanOrEqual(20);
    }
  }, 120_000);

  it('waits for writers that are slow to start instead of killing them before their first write', async () => {
    // As on a loaded machine, where starting Node and opening the store took longer than a fixed kill time.
    const slow = entry('slow', 'await new Promise((resolve) => setTimeout(resolve, 3_000));');
    const report = await crashRound({
      db: join(dir, 'slow.db'),
      dist: slow,
      processes: 2,
      minWrites: 5,
      extraMs: 0,
      seed: 7,
    });
    expect(report.problems).toEqual([]);
    expect(writes(report.acknowledged)).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('fails saying so when a writer cannot start or never writes', async () => {
    const broken = entry('broken', "throw new Error('cannot load the package');");
    await expect(
      crashRound({ db: join(dir, 'broken.db'), dist: broken, processes: 2, extraMs: 0, seed: 1 }),
    ).rejects.toThrow(/writer \d exited on its own .*cannot load the package/);
    const stuck = entry('stuck', 'await new Promise(() => setInterval(() => {}, 1_000));');
    await expect(
      crashRound({
        db: join(dir, 'stuck.db'),
        dist: stuck,
        processes: 1,
        extraMs: 0,
        startTimeoutMs: 2_000,
        seed: 1,
      }),
    ).rejects.toThrow(/did not all acknowledge 10 writes in 2000 ms \(acknowledged: writer 1: 0/);
  }, 60_000);
});
