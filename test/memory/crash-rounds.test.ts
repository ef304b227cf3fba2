import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashRound } from '../../scripts/soak/crash-round.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-crash-rounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash rounds (a short npm run soak)', () => {
  it('loses no acknowledged step or completion when two writers are killed mid-work, round after round', async () => {
    const db = join(dir, 'rounds.db');
    let steps = 0;
    for (const [round, killAfterMs] of [900, 1_200, 1_000, 1_400].entries()) {
      const report = await crashRound({
        db,
        dist: resolve('dist/index.js'),
        processes: 2,
        killAfterMs,
        seed: round + 1,
      });
      expect(report.problems).toEqual([]);
      steps += report.acknowledged.steps;
    }
    // The writers got far enough to be killed in the middle of something.
    expect(steps).toBeGreaterThan(20);
  }, 60_000);
});
