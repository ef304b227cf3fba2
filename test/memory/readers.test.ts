import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock, MemoryError } from '../../src/core/index.js';
import { createHashEmbedder } from '../../src/embeddings/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, testBackends } from '../backends.js';

afterAll(dropSchemas);

const TASKS = [
  ['refund the damaged blue kettle of order 41', ['find_order', 'refund_item']],
  ['exchange the wrong size running shoes', ['find_order', 'exchange_item']],
  ['cancel the pending order before it ships', ['find_order', 'cancel_order']],
  ['change the shipping address of an open order', ['find_order', 'modify_address']],
] as const;

async function fill(memory: SelfLearningMemory): Promise<void> {
  for (const [n, [task, tools]] of TASKS.entries()) {
    for (let copy = 0; copy < 3; copy++) {
      const { id } = await memory.startEpisode({ task: `${task} (${copy})`, context: { domain: 'retail' } });
      for (const tool of tools) await memory.logStep(id, { tool, action: `${tool} for the customer` });
      await memory.completeEpisode(
        id,
        n + copy === 4 ? { status: 'failure', reason: 'gave up' } : { status: 'success' },
      );
    }
  }
  await memory.flush();
}

describe.each(testBackends())('readers: ranking calls answered by worker threads, on $name', ({ db }) => {
  it('answers retrieve, playbook, searchPatterns, stats and progress as the calling thread does, and sees each write at once', async () => {
    const store = db();
    const local = await SelfLearningMemory.open({ db: store, embeddings: { provider: 'hash' } });
    const served = await SelfLearningMemory.open({ db: store, embeddings: { provider: 'hash' }, readers: 1 });
    try {
      await fill(local);
      const query = {
        task: 'the customer wants a refund for a damaged kettle',
        context: { domain: 'retail' },
      };
      const [mine, theirs] = await Promise.all([local.retrieve(query), served.retrieve(query)]);
      expect(theirs.episodes.map((e) => e.episode.id)).toEqual(mine.episodes.map((e) => e.episode.id));
      expect(theirs.patterns.map((p) => p.pattern.id)).toEqual(mine.patterns.map((p) => p.pattern.id));
      const [book, theirBook] = await Promise.all([local.playbook(query), served.playbook(query)]);
      expect(theirBook.steps.map((s) => s.tool)).toEqual(book.steps.map((s) => s.tool));
      expect(theirBook.steps.map((s) => s.tool)).toContain('refund_item');
      const patterns = await served.searchPatterns({ text: 'refund' });
      expect(patterns.map((p) => p.pattern.id)).toEqual(
        (await local.searchPatterns({ text: 'refund' })).map((p) => p.pattern.id),
      );

      // The scans of the namespace too.
      const [counts, theirCounts] = await Promise.all([local.stats(), served.stats()]);
      const { queryCache: _a, queryEmbeddingCache: _b, ...same } = counts;
      expect(theirCounts).toMatchObject(same);
      expect(await served.progress({ bucket: 'day' })).toEqual(await local.progress({ bucket: 'day' }));

      // Asked again, the reader answers from its cache...
      expect((await served.retrieve(query)).episodes.map((e) => e.episode.id)).toEqual(
        theirs.episodes.map((e) => e.episode.id),
      );
      expect((await served.stats()).queryCache).toMatchObject({ hits: 1, misses: 2 });
      // ...until a write acknowledged on this thread: the same question is then answered afresh (a miss), and
      // the new episode is found.
      const task = 'recalibrate the espresso grinder';
      const { id } = await served.startEpisode({ task, context: { domain: 'retail' } });
      await served.logStep(id, { tool: 'grinder_settings', action: 'set the grind finer' });
      await served.completeEpisode(id, { status: 'success' });
      await served.retrieve(query);
      expect((await served.stats()).queryCache).toMatchObject({ hits: 1, misses: 3 });
      const found = await served.retrieve({ task, context: { domain: 'retail' } });
      expect(found.episodes[0]?.episode.id).toBe(id);
    } finally {
      await Promise.all([local.close(), served.close()]);
    }
  });

  it('gives bad input the same coded error as the calling thread', async () => {
    const served = await SelfLearningMemory.open({ db: db(), embeddings: { provider: 'hash' }, readers: 1 });
    try {
      await expect(served.retrieve({ task: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(served.playbook({ task: 'x', maxSteps: 500 } as never)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      await expect(served.searchPatterns({ text: 'x', limit: -1 } as never)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    } finally {
      await served.close();
    }
  });
});

describe('readers: options that cannot be sent to a worker', () => {
  it('refuses them with INVALID_INPUT naming what to change, before opening anything', async () => {
    const refusals = [
      { db: ':memory:', readers: 1 },
      { db: '/tmp/never-created-readers.db', readers: 1, clock: fixedClock(0, 1) },
      { db: '/tmp/never-created-readers.db', readers: 1, embeddings: createHashEmbedder() },
    ];
    for (const options of refusals) {
      const error = await SelfLearningMemory.open(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MemoryError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/readers: 0/) });
    }
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/never-created-readers.db')).toBe(false);
  });
});
