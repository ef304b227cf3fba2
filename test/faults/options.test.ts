import { describe, expect, it } from 'vitest';
import { type MemoryOptions, SelfLearningMemory } from '../../src/index.js';

async function rejection(options: unknown): Promise<{ code: string; message: string }> {
  return SelfLearningMemory.open({ db: ':memory:', ...(options as MemoryOptions) }).then(
    () => {
      throw new Error('open accepted the options');
    },
    (error: unknown) => error as { code: string; message: string },
  );
}

describe('MemoryOptions are checked at open', () => {
  it.each([
    [{ embeddings: 'hash' }, 'embeddings', /EmbeddingProvider|provider: 'use' \| 'hash'/],
    [{ embeddings: { provider: 'word2vec' } }, 'embeddings', /'hash'/],
    [{ durability: 'maybe' }, 'durability', /normal.*full/],
    [{ vectorIndex: 'hnsw' }, 'vectorIndex', /exact.*ann/],
    [{ limits: { maxTaskChars: -1 } }, 'limits.maxTaskChars', /0/],
    [{ retrieval: { mode: 'fuzzy' } }, 'retrieval.mode', /hybrid/],
    [{ retrieval: { weights: { recency: 'high' } } }, 'retrieval.weights.recency', /number/],
    [{ retrieval: { mmrLambda: 2 } }, 'retrieval.mmrLambda', /1/],
    [{ queryCache: 500 }, 'queryCache', /maxEntries/],
    [{ playbook: { consensus: 'yes' } }, 'playbook.consensus', /boolean/],
    [{ clock: Date.now }, 'clock', /now\(\)/],
    [{ log: 'stderr' }, 'log', /function/],
    [{ db: 42 }, 'db', /string/],
  ])('%j is INVALID_INPUT naming %s', async (options, name, allowed) => {
    const error = await rejection(options);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(`option ${name}:`);
    expect(error.message).toMatch(allowed);
  });

  it('accepts functions and objects: a clock, a random source, a log, a provider, a storage', async () => {
    const provider = {
      id: 'fixed',
      dimensions: 2,
      embed: async (texts: string[]) => texts.map(() => Float32Array.from([1, 0])),
    };
    const first = await SelfLearningMemory.open({
      db: ':memory:',
      clock: { now: () => 1_700_000_000_000 },
      random: (n) => new Uint8Array(n),
      log: () => {},
      embeddings: provider,
      durability: 'full',
      queryCache: false,
      retrieval: { mode: 'lexical', weights: { recency: 0 } },
      playbook: { consensus: false },
      limits: { maxTaskChars: 100 },
    });
    await first.close();
    const { openSqliteStorage } = await import('../../src/storage/sqlite/index.js');
    const second = await SelfLearningMemory.open({
      storage: openSqliteStorage(':memory:'),
      embeddings: false,
    });
    expect(second.backend).toBe('sqlite');
    await second.close();
  });
});
