import { describe, expect, it } from 'vitest';
import { createHashEmbedder, type EmbeddingProvider, withQueryCache } from '../../src/embeddings/index.js';
import { runEmbeddingContract } from './embedding-contract.js';

/** A hash embedder that records what reaches it. */
function recording() {
  const inner = createHashEmbedder({ dimensions: 16 });
  const calls: string[][] = [];
  const provider: EmbeddingProvider = {
    id: inner.id,
    dimensions: inner.dimensions,
    embed: (texts) => {
      calls.push([...texts]);
      return inner.embed(texts);
    },
  };
  return { provider, calls, inner };
}

runEmbeddingContract('query cache over the hash embedder', () => withQueryCache(createHashEmbedder()));

describe('withQueryCache', () => {
  it('keeps the id and dimensions of the provider it wraps', () => {
    const cached = withQueryCache(createHashEmbedder({ dimensions: 16 }));
    expect(cached.id).toBe('hash-v1-16');
    expect(cached.dimensions).toBe(16);
  });

  it('answers a repeated text from the cache and sends only new texts, in one call', async () => {
    const { provider, calls, inner } = recording();
    const cached = withQueryCache(provider);
    await cached.embed(['kettle']);
    const vectors = await cached.embed(['refund', 'kettle', 'refund']);
    expect(calls).toEqual([['kettle'], ['refund']]);
    expect(vectors).toEqual(await inner.embed(['refund', 'kettle', 'refund']));
    expect(cached.stats()).toEqual({ hits: 2, misses: 2 });
  });

  it('forgets the least recently used text beyond maxEntries', async () => {
    const { provider, calls } = recording();
    const cached = withQueryCache(provider, { maxEntries: 2 });
    await cached.embed(['a1', 'b1']);
    await cached.embed(['a1']); // a1 is now more recent than b1
    await cached.embed(['c1']); // evicts b1
    calls.length = 0;
    await cached.embed(['a1', 'c1', 'b1']);
    expect(calls).toEqual([['b1']]);
  });

  it('hands out copies, so scaling a vector in place does not change the cache', async () => {
    const cached = withQueryCache(createHashEmbedder({ dimensions: 16 }));
    const [first] = await cached.embed(['kettle']);
    first!.fill(0);
    const [again] = await cached.embed(['kettle']);
    expect(again!.some((x) => x !== 0)).toBe(true);
  });
});
