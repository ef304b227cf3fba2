import type * as Embeddings from '@energetic-ai/embeddings';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { cosine, createUseEmbedder } from '../../src/embeddings/index.js';
import { runEmbeddingContract } from './embedding-contract.js';

// Counts model loads while keeping the real model.
const initModel = vi.hoisted(() => vi.fn());
vi.mock('@energetic-ai/embeddings', async (importOriginal) => {
  const actual = await importOriginal<typeof Embeddings>();
  initModel.mockImplementation(actual.initModel);
  return { ...actual, initModel };
});

// One provider for most tests: each load costs ~200 ms and ~200 MB.
const shared = createUseEmbedder();
afterAll(() => shared.close?.());

runEmbeddingContract('USE embedder', () => shared);

describe('createUseEmbedder', () => {
  it('returns 512-dimensional vectors under the id use-lite-512', async () => {
    const [vector] = await shared.embed(['I want to return my kettle']);
    expect(shared.id).toBe('use-lite-512');
    expect(vector).toHaveLength(512);
  });

  it('puts a paraphrase closer than an unrelated question', async () => {
    const [query, refund, sales] = await shared.embed([
      'I want to return my kettle',
      'Please refund the electric kettle I bought',
      'What is the top selling product in 2022',
    ]);
    expect(cosine(query!, refund!)).toBeGreaterThan(cosine(query!, sales!) + 0.1);
  });

  it('gives the same text identical vectors', async () => {
    const [a, b] = await shared.embed(['Fix the failing login test', 'Fix the failing login test']);
    expect(b).toEqual(a);
  });

  it('embeds more texts than one batch', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `order ${i} needs a refund`);
    const vectors = await shared.embed(texts);
    expect(vectors).toHaveLength(70);
    const [last] = await shared.embed([texts[69]!]);
    expect(cosine(last!, vectors[69]!)).toBeCloseTo(1, 5);
  });

  it('answers [] without loading the model', async () => {
    initModel.mockClear();
    expect(await createUseEmbedder().embed([])).toEqual([]);
    expect(initModel).not.toHaveBeenCalled();
  });

  it('loads the model once for concurrent first calls', async () => {
    initModel.mockClear();
    const provider = createUseEmbedder();
    const results = await Promise.all([provider.embed(['a']), provider.embed(['b']), provider.embed(['c'])]);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(initModel).toHaveBeenCalledTimes(1);
    await provider.close?.();
  });

  it('reports a failed load as EMBEDDING_ERROR and retries on the next call', async () => {
    initModel.mockClear();
    initModel.mockRejectedValueOnce(new Error('wasm backend missing'));
    const provider = createUseEmbedder();
    const error = await provider.embed(['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe('EMBEDDING_ERROR');
    expect((error as MemoryError).message).toMatch(
      /could not load the Universal Sentence Encoder.*wasm backend missing/,
    );
    expect(await provider.embed(['a'])).toHaveLength(1);
    expect(initModel).toHaveBeenCalledTimes(2);
    await provider.close?.();
  });
});
