import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { cosine, createHashEmbedder } from '../../src/embeddings/index.js';
import { runEmbeddingContract } from './embedding-contract.js';

runEmbeddingContract('hash embedder', () => createHashEmbedder());

describe('createHashEmbedder', () => {
  it('is deterministic across instances', async () => {
    const [a] = await createHashEmbedder().embed(['Fix the failing login test']);
    const [b] = await createHashEmbedder().embed(['Fix the failing login test']);
    expect(b).toEqual(a);
  });

  it('has 384 dimensions by default and names them in its id', async () => {
    expect(createHashEmbedder().dimensions).toBe(384);
    const provider = createHashEmbedder({ dimensions: 64 });
    expect(provider.id).toBe('hash-v1-64');
    const [vector] = await provider.embed(['kettle']);
    expect(vector).toHaveLength(64);
  });

  it('puts a paraphrase sharing stems closer than an unrelated text', async () => {
    const [query, paraphrase, unrelated] = await createHashEmbedder().embed([
      'return the kettle',
      'returning kettles',
      'What is the top selling product in 2022',
    ]);
    expect(cosine(query!, paraphrase!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.03);
  });

  it('lets word order matter a little, through bigrams', async () => {
    const [a, b] = await createHashEmbedder().embed(['dog bites man', 'man bites dog']);
    const similarity = cosine(a!, b!);
    expect(similarity).toBeLessThan(0.95);
    expect(similarity).toBeGreaterThan(0.6);
  });

  it('maps an empty or stopword-only text to the zero vector', async () => {
    const vectors = await createHashEmbedder({ dimensions: 16 }).embed(['', 'the and of']);
    for (const vector of vectors) expect([...vector].every((x) => x === 0)).toBe(true);
  });

  it('rejects a dimension that is not a positive integer', () => {
    expect(() => createHashEmbedder({ dimensions: 0 })).toThrow(MemoryError);
    expect(() => createHashEmbedder({ dimensions: 2.5 })).toThrow(/positive integer/);
  });
});
