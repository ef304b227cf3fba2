import { afterAll, describe, expect, it } from 'vitest';
import type { Clock, Episode } from '../../src/core/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, testBackends } from '../backends.js';

afterAll(dropSchemas);

/** A clock that reads the times given, one a call, then stays at the last. */
function clockOf(...times: string[]): Clock {
  let i = 0;
  return { now: () => Date.parse(times[Math.min(i++, times.length - 1)] as string) };
}

function expectInOrder(episode: Episode): void {
  for (const [i, step] of episode.steps.entries()) {
    expect(step.seq).toBe(i + 1);
    if (i > 0) expect(step.at >= (episode.steps[i - 1]?.at ?? '')).toBe(true);
    expect(step.at >= episode.startedAt).toBe(true);
    if (episode.endedAt) expect(episode.endedAt >= step.at).toBe(true);
  }
}

describe.each(testBackends())('step times agree with step order on $name', ({ db }) => {
  it('stamps a step or an end whose clock lags (another host) no earlier than what came before it', async () => {
    const memory = await SelfLearningMemory.open({
      db: db(),
      embeddings: false,
      // start, step 1, step 2 from a clock 3 s behind, the end from one 10 s behind
      clock: clockOf(
        '2026-12-01T10:00:00.000Z',
        '2026-12-01T10:00:05.000Z',
        '2026-12-01T10:00:02.000Z',
        '2026-12-01T09:59:55.000Z',
      ),
    });
    try {
      const { id } = await memory.startEpisode({ task: 'refund a damaged order' });
      await memory.logStep(id, { tool: 'orders', action: 'find the order' });
      const second = await memory.logStep(id, { tool: 'refunds', action: 'refund it' });
      expect(second.at).toBe('2026-12-01T10:00:05.000Z');
      const { episode } = await memory.completeEpisode(id, { status: 'success' });
      expect(episode.endedAt).toBe('2026-12-01T10:00:05.000Z');
      expectInOrder(await memory.getEpisode(id));
    } finally {
      await memory.close();
    }
  });

  it('compares times by the instant, not the text: a step stamped with an offset is ordered by when it was', async () => {
    const memory = await SelfLearningMemory.open({
      db: db(),
      embeddings: false,
      clock: clockOf('2026-12-01T10:00:00.000Z'),
    });
    try {
      const { id } = await memory.startEpisode({ task: 'reconcile the ledger' });
      await memory.logStep(id, { tool: 'ledger', action: 'first', at: '2026-12-01T10:00:05.500Z' });
      // 09:00:06 UTC, written as 11:00:06+02:00: earlier than the first step, though it sorts later as text.
      const second = await memory.logStep(id, {
        tool: 'ledger',
        action: 'second',
        at: '2026-12-01T11:00:06+02:00',
      });
      expect(second.at).toBe('2026-12-01T10:00:05.500Z');
      const third = await memory.logStep(id, { tool: 'ledger', action: 'third', at: '2026-12-01T10:00:05Z' });
      expect(third.at).toBe('2026-12-01T10:00:05.500Z');
      expectInOrder(await memory.getEpisode(id));
    } finally {
      await memory.close();
    }
  });

  it('keeps time and order together when two memories log to one episode at once and a third completes it', async () => {
    const shared = db();
    // Two writers whose clocks disagree by 40 ms, as two hosts' may.
    const skewed = (offset: number): Clock => ({ now: () => Date.now() + offset });
    const [a, b, c] = await Promise.all(
      [0, -40, -80].map((offset) =>
        SelfLearningMemory.open({ db: shared, embeddings: false, clock: skewed(offset) }),
      ),
    );
    try {
      const { id } = await a!.startEpisode({ task: 'reconcile the ledger' });
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        writes.push(a!.logStep(id, { tool: 'ledger', action: `a ${i}` }));
        writes.push(b!.logStep(id, { tool: 'ledger', action: `b ${i}` }));
      }
      await Promise.all(writes);
      await c!.completeEpisode(id, { status: 'success' });
      const episode = await a!.getEpisode(id);
      expect(episode.steps).toHaveLength(60);
      expectInOrder(episode);
    } finally {
      await Promise.all([a, b, c].map((m) => m?.close()));
    }
  });
});
