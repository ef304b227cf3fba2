import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Episode, type Learn, MemoryError } from '../../src/core/index.js';
import { planLearning } from '../../src/learning/index.js';
import { openStorage, type StorageBackend } from '../../src/storage/index.js';
import { dropSchemas, testBackends } from '../backends.js';
import { episode, step } from './storage-contract.js';

/** `load` writes records copied from another store as they are: on every backend, through the same `Store`. */
const learn: Learn = (e) => planLearning(e);
const at = '2026-11-01T10:30:00.000Z';

afterAll(dropSchemas);

/** A completed episode with two steps, learned from in `source`; returned as stored, steps included. */
async function learned(source: StorageBackend): Promise<Episode> {
  const e = episode();
  await source.createEpisode(e);
  await source.appendStep(e.id, step('grep'), 10);
  await source.appendStep(e.id, step('edit'), 10);
  await source.completeEpisode(e.id, { status: 'success', verdict: 'fixed', artifacts: [] }, at, learn);
  const [stored] = await source.getEpisodes([e.id], { steps: true });
  return stored!;
}

describe.each(testBackends())('StorageBackend.load on $name', ({ db }) => {
  let source: StorageBackend;
  let target: StorageBackend;
  beforeEach(async () => {
    source = await openStorage(db());
    target = await openStorage(db());
  });
  afterEach(async () => {
    await source.close();
    await target.close();
  });

  it('stores episodes as given, learning nothing, and recomputes their tool counts', async () => {
    const done = await learned(source);
    const open = episode();
    await source.createEpisode(open);
    await source.appendStep(open.id, step('bash'), 10);
    const [inProgress] = await source.getEpisodes([open.id], { steps: true });
    const generation = await target.writeGeneration();

    await target.load({ episodes: [done, inProgress!] });

    expect(await target.getEpisodes([done.id, open.id], { steps: true })).toEqual([done, inProgress]);
    expect(await target.stats()).toMatchObject({ episodes: 2, completedEpisodes: 1, steps: 3, patterns: 0 });
    const counts = async (s: StorageBackend) => s.toolCounts({ features: ['*'] });
    expect(await counts(target)).toEqual(await counts(source));
    expect(await target.writeGeneration()).not.toBe(generation);
  });

  it('stores patterns, heuristics, feedback, checkpoints and links with their ids and counts', async () => {
    const [a, b] = [await learned(source), episode()];
    await source.createEpisode(b);
    const checkpoint = await source.addCheckpoint({
      id: episode().id,
      episodeId: b.id,
      at,
      note: 'half way',
    });
    const link = await source.addLink({ from: b.id, to: a.id, type: 'follows', createdAt: at });
    const patterns = await source.listPatterns({ limit: 100 });
    const feedback = {
      id: episode().id,
      patternIds: [patterns[0]!.id],
      playbookSteps: [],
      success: true,
      at,
    };
    await source.recordFeedback(feedback, (p) => ({ ...p, feedbackApplied: 1, feedbackHelped: 1 }));
    const heuristics = await source.listHeuristics({ limit: 100 });

    await target.load({ episodes: [a, b], checkpoints: [checkpoint], links: [link] });
    await target.load({
      patterns: await source.listPatterns({ limit: 100 }),
      heuristics,
      feedback: await source.listFeedback({ limit: 100 }),
    });

    expect(await target.listPatterns({ limit: 100 })).toEqual(await source.listPatterns({ limit: 100 }));
    expect(await target.listHeuristics({ limit: 100 })).toEqual(heuristics);
    expect(await target.listFeedback({ limit: 100 })).toEqual([feedback]);
    expect(await target.listCheckpoints(b.id)).toEqual([checkpoint]);
    expect(await target.listLinks(a.id)).toEqual([link]);
    expect((await target.searchPatterns({ text: 'grep', limit: 5 })).length).toBeGreaterThan(0);
  });

  it('writes nothing of a batch holding an id already stored (CONFLICT) or a half-completed episode', async () => {
    const done = await learned(source);
    await target.load({ episodes: [done] });
    const fresh = episode();
    const again = target.load({ episodes: [fresh, done] });
    await expect(again).rejects.toBeInstanceOf(MemoryError);
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
    const half = {
      ...episode(),
      outcome: { status: 'success' as const, verdict: '', artifacts: [] },
      endedAt: at,
    };
    await expect(target.load({ episodes: [fresh, half] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await target.getEpisode(fresh.id)).toBeNull();
    expect((await target.stats()).episodes).toBe(1);
  });
});
