import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, MemoryError, SelfLearningMemory, seededRandom } from '../../src/index.js';
import { dropSchemas, testBackends } from '../backends.js';

afterAll(dropSchemas);

// Saturday 31 October 2026, 23:00 UTC: an hour before a new month, two days before a new (Monday) week.
const T0 = Date.parse('2026-10-31T23:00:00.000Z');
const HOUR = 3_600_000;

async function invalid(promise: Promise<unknown>, says: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe('INVALID_INPUT');
  expect((error as MemoryError).message).toMatch(says);
}

describe.each(testBackends())('SelfLearningMemory.progress and the list filters on $name', ({ db }) => {
  let memory: SelfLearningMemory;
  let clock: ReturnType<typeof fixedClock>;
  beforeEach(async () => {
    clock = fixedClock(T0);
    memory = await SelfLearningMemory.open({
      db: db(),
      clock,
      random: seededRandom(7),
      embeddings: { provider: 'hash' },
    });
  });
  afterEach(async () => {
    await memory.close();
  });

  /** Starts and ends an episode now (by the injected clock); returns its reward. */
  async function run(task: string, status: 'success' | 'failure', domain = 'web'): Promise<number> {
    const { id } = await memory.startEpisode({ task, context: { domain } });
    await memory.logStep(id, { tool: 'edit', action: 'change it' });
    const outcome = status === 'success' ? { status, verdict: 'done' } : { status, reason: 'broke' };
    const { episode } = await memory.completeEpisode(id, outcome);
    return episode.reward?.total ?? Number.NaN;
  }

  it('buckets completed episodes by the week they ended (Monday, UTC), default bucket week', async () => {
    const first = await run('Fix the login redirect', 'success'); // Saturday 31 October
    clock.advance(2 * HOUR); // Sunday 1 November, 01:00
    const second = await run('Fix the login timeout', 'failure');
    clock.advance(24 * HOUR); // Monday 2 November
    const third = await run('Write the billing docs', 'success', 'docs');
    await memory.startEpisode({ task: 'Still running', context: { domain: 'web' } });

    const weekly = await memory.progress();
    expect(weekly.bucket).toBe('week');
    expect(weekly.series).toEqual([
      expect.objectContaining({ domain: 'docs', start: '2026-11-02', completed: 1, successes: 1 }),
      expect.objectContaining({
        domain: 'web',
        start: '2026-10-26',
        completed: 2,
        successes: 1,
        failures: 1,
      }),
    ]);
    expect(weekly.series[1]?.meanReward).toBeCloseTo((first + second) / 2, 4);
    expect(weekly.series[0]?.meanReward).toBeCloseTo(third, 4);

    const monthly = await memory.progress({ bucket: 'month', domain: 'web' });
    expect(monthly.series.map((p) => [p.start, p.completed])).toEqual([
      ['2026-10-01', 1],
      ['2026-11-01', 1],
    ]);
    const since = await memory.progress({ bucket: 'day', since: '2026-11-02T00:00:00.000Z' });
    expect(since.series.map((p) => p.domain)).toEqual(['docs']);
  });

  it('refuses a bucket it does not know and text with no word to look for, saying what to fix', async () => {
    await invalid(memory.progress({ bucket: 'year' as 'day' }), /bucket/);
    await invalid(memory.progress({ since: 'yesterday' }), /since/);
    await invalid(memory.listEpisodes({ text: ' ?! ' }), /text must hold at least one word/);
    await invalid(memory.listEpisodes({ text: 'the of' }), /text must hold at least one word/);
    await invalid(memory.listPatterns({ sort: 'best' as 'recent' }), /sort/);
  });

  it('lists episodes whose text holds every word, and patterns in the sort asked for', async () => {
    await run('Fix the login redirect', 'success');
    clock.advance(HOUR);
    await run('Fix the billing export', 'success');
    const found = await memory.listEpisodes({ text: 'LOGIN fix' });
    expect(found.map((e) => e.task)).toEqual(['Fix the login redirect']);
    const recent = await memory.listPatterns({ sort: 'recent', limit: 100 });
    const seen = recent.map((p) => Date.parse(p.lastSeen));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(recent.length).toBeGreaterThan(0);
  });
});
