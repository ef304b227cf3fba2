import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diversify } from '../../src/retrieval/index.js';

const v = (...xs: number[]) => Float32Array.from(xs);
const candidates = [
  { item: 'a', id: 'a', score: 1, vector: v(1, 0) },
  { item: 'a2', id: 'a2', score: 0.95, vector: v(1, 0.01) },
  { item: 'b', id: 'b', score: 0.8, vector: v(0, 1) },
];

describe('diversify (MMR)', () => {
  it('keeps the ranking at lambda 1', () => {
    expect(diversify(candidates, { lambda: 1, limit: 2 }).map((c) => c.id)).toEqual(['a', 'a2']);
  });

  it('prefers a different candidate over a near-duplicate at lower lambda', () => {
    expect(diversify(candidates, { lambda: 0.5, limit: 2 }).map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('treats candidates without vectors as unlike the others', () => {
    const noVectors = candidates.map(({ vector: _, ...c }) => c);
    expect(diversify(noVectors, { lambda: 0.5, limit: 3 }).map((c) => c.id)).toEqual(['a', 'a2', 'b']);
  });

  it('returns min(limit, n) distinct candidates, the best one first', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            score: fc.double({ min: 0, max: 1, noNaN: true }),
            x: fc.double({ min: -1, max: 1, noNaN: true }),
          }),
          { maxLength: 20 },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 25 }),
        (raw, lambda, limit) => {
          const sorted = raw
            .map((r, i) => ({ item: i, id: String(i), score: r.score, vector: v(r.x, 1) }))
            .sort((a, b) => b.score - a.score);
          const picked = diversify(sorted, { lambda, limit });
          expect(picked).toHaveLength(Math.min(limit, sorted.length));
          expect(new Set(picked.map((p) => p.id)).size).toBe(picked.length);
          if (picked.length > 0 && lambda > 0) expect(picked[0]!.score).toBe(sorted[0]!.score);
        },
      ),
    );
  });
});
