import { describe, expect, it } from 'vitest';
import { cosine, type EmbeddingProvider } from '../../src/embeddings/index.js';

const TEXTS = ['Fix the failing login test', 'Refund the electric kettle', 'Deploy the service to staging'];

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
}

/** What every EmbeddingProvider promises, run against each implementation. */
export function runEmbeddingContract(name: string, makeProvider: () => EmbeddingProvider): void {
  describe(`${name} (EmbeddingProvider contract)`, () => {
    it('has an id and a positive whole number of dimensions', () => {
      const provider = makeProvider();
      expect(provider.id).toMatch(/\S/);
      expect(Number.isInteger(provider.dimensions) && provider.dimensions > 0).toBe(true);
    });

    it('returns [] for no texts', async () => {
      expect(await makeProvider().embed([])).toEqual([]);
    });

    it('returns one unit vector of `dimensions` per text, in order', async () => {
      const provider = makeProvider();
      const vectors = await provider.embed(TEXTS);
      expect(vectors).toHaveLength(TEXTS.length);
      for (const vector of vectors) {
        expect(vector).toBeInstanceOf(Float32Array);
        expect(vector).toHaveLength(provider.dimensions);
        expect(norm(vector)).toBeCloseTo(1, 4);
      }
      const reversed = await provider.embed([...TEXTS].reverse());
      reversed.reverse().forEach((vector, i) => {
        expect(cosine(vector, vectors[i]!)).toBeCloseTo(1, 5);
      });
    });

    it('gives the same text the same vector, within a call and across calls', async () => {
      const provider = makeProvider();
      const [first, again] = await provider.embed([TEXTS[0]!, TEXTS[0]!]);
      const [later] = await provider.embed([TEXTS[0]!]);
      expect(again).toEqual(first);
      expect(cosine(later!, first!)).toBeCloseTo(1, 5);
    });
  });
}
