import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock, MemoryError } from '../../src/index.js';
import { DAY, openMemory, T0 } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-prune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const ago = (days: number) => new Date(T0 - days * DAY).toISOString();
const record = (task: string, status: 'success' | 'failure', endedDaysAgo: number, steps = 2) => ({
  task,
  context: { domain: 'web' },
  steps: Array.from({ length: steps }, (_, i) => ({ tool: i % 2 ? 'edit' : 'bash', action: `step ${i}` })),
  outcome: status === 'success' ? { status } : { status, reason: 'broke' },
  startedAt: ago(endedDaysAgo + 0.01),
  endedAt: ago(endedDaysAgo),
});

/** A memory whose clock stands at T0, with an episode in progress started 400 days before. */
async function storeWith(records: unknown[]) {
  const clock = fixedClock(T0 - 400 * DAY);
  const memory = await openMemory(join(dir, `p-${n++}.db`), clock);
  const open = await memory.startEpisode({ task: 'Still running since long ago' });
  clock.advance(400 * DAY);
  const report = await memory.importEpisodes(records);
  expect(report.failed).toEqual([]);
  return { memory, open, ids: report.episodeIds };
}

describe('prune', () => {
  it('deletes completed episodes older than the cutoff, never one in progress, and keeps the patterns', async () => {
    const { memory, open, ids } = await storeWith([
      record('Fix the login test', 'success', 120),
      record('Fix the login test again', 'failure', 100),
      record('Fix the signup test', 'success', 10),
    ]);
    const patternsBefore = await memory.listPatterns({ limit: 100 });
    expect(patternsBefore.length).toBeGreaterThan(0);

    const dry = await memory.prune({ olderThan: '90d', dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.cutoff).toBe(ago(90));
    expect(dry.deleted.map((d) => [d.id, d.reason])).toEqual([
      [ids[0], 'age'],
      [ids[1], 'age'],
    ]);
    expect((await memory.listEpisodes({ limit: 10 })).length).toBe(4);

    const real = await memory.prune({ olderThan: '90d' });
    expect(real.deleted).toEqual(dry.deleted);
    expect(real.remaining).toBe(2);
    const left = (await memory.listEpisodes({ limit: 10 })).map((e) => e.id).sort();
    expect(left).toEqual([open.id, ids[2]].sort());
    // What the deleted episodes taught stays, counts included.
    expect(await memory.listPatterns({ limit: 100 })).toEqual(patternsBefore);
    await memory.close();
  });

  it('keeps successful episodes with keepSuccessful', async () => {
    const { memory, ids } = await storeWith([
      record('Fix the login test', 'success', 120),
      record('Fix the login test again', 'failure', 100),
    ]);
    const report = await memory.prune({ olderThan: 90 * DAY, keepSuccessful: true });
    expect(report.deleted.map((d) => d.id)).toEqual([ids[1]]);
    expect(report.deleted[0]?.outcome).toBe('failure');
    await memory.close();
  });

  it('evicts the least useful episodes past maxEpisodes: lowest reward first, then the oldest', async () => {
    const { memory, ids } = await storeWith([
      record('Deploy the api', 'success', 50),
      record('Deploy the api', 'failure', 40),
      record('Deploy the web app', 'success', 30),
      record('Deploy the web app', 'failure', 20),
      record('Deploy the worker', 'success', 10, 8),
    ]);
    const rewards = new Map<string, number>();
    for (const id of ids) rewards.set(id, (await memory.getEpisode(id)).reward?.total ?? 0);
    // The two failures score lowest; of equal rewards the older goes first.
    expect(rewards.get(ids[1]!)).toBe(rewards.get(ids[3]!));
    expect(rewards.get(ids[1]!)).toBeLessThan(rewards.get(ids[0]!)!);

    // 6 episodes (one in progress); keep 3.
    const report = await memory.prune({ maxEpisodes: 3, dryRun: true });
    expect(report.deleted.map((d) => [d.id, d.reason])).toEqual([
      [ids[1], 'capacity'],
      [ids[3], 'capacity'],
      [lowestSuccess(ids, rewards), 'capacity'],
    ]);
    expect(report.remaining).toBe(3);

    // The episode in progress is never evicted, even when it alone is over the limit.
    const all = await memory.prune({ maxEpisodes: 0 });
    expect(all.deleted).toHaveLength(5);
    expect((await memory.listEpisodes({ limit: 10 })).map((e) => e.task)).toEqual([
      'Still running since long ago',
    ]);
    await memory.close();
  });

  it('rejects a duration it cannot read', async () => {
    const { memory } = await storeWith([]);
    const error = await memory.prune({ olderThan: 'ninety days' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe('INVALID_INPUT');
    await memory.close();
  });
});

/** The success with the lowest reward, the older one on a tie. */
function lowestSuccess(ids: string[], rewards: Map<string, number>): string {
  return [ids[0]!, ids[2]!, ids[4]!].reduce((best, id) =>
    rewards.get(id)! < rewards.get(best)! ? id : best,
  );
}
