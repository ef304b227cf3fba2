import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRIEVAL_SETTINGS,
  decisiveness,
  fuse,
  minMaxNormalize,
  reciprocalRankFusion,
  weightedFusion,
} from '../../src/retrieval/index.js';

const list = (...ids: string[]) => ids.map((id, i) => ({ id, score: 10 - i }));
const hits = fc.uniqueArray(
  fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    score: fc.double({ min: -5, max: 50, noNaN: true }),
  }),
  {
    selector: (h) => h.id,
  },
);

describe('reciprocalRankFusion', () => {
  it('rewards candidates ranked well in both lists', () => {
    const fused = reciprocalRankFusion([list('a', 'b', 'c'), list('b', 'c', 'a')], { k: 60 });
    expect(fused.get('b')).toBeCloseTo(1 / 62 + 1 / 61);
    expect(fused.get('b')!).toBeGreaterThan(fused.get('a')!);
    expect(fused.get('a')!).toBeGreaterThan(fused.get('c')!);
  });

  it('gives equal scores the same rank', () => {
    const fused = reciprocalRankFusion([
      [
        { id: 'a', score: 2 },
        { id: 'b', score: 2 },
        { id: 'c', score: 1 },
      ],
    ]);
    expect(fused.get('a')).toBe(fused.get('b'));
    expect(fused.get('c')).toBeCloseTo(1 / 63);
  });

  it('ignores score scales and honours list weights', () => {
    const bm25 = [
      { id: 'a', score: 900 },
      { id: 'b', score: 1 },
    ];
    const cos = [
      { id: 'b', score: 0.9 },
      { id: 'a', score: 0.1 },
    ];
    const even = reciprocalRankFusion([bm25, cos]);
    expect(even.get('a')).toBeCloseTo(even.get('b')!);
    const vectorHeavy = reciprocalRankFusion([bm25, cos], { weights: [1, 2] });
    expect(vectorHeavy.get('b')!).toBeGreaterThan(vectorHeavy.get('a')!);
  });
});

describe('minMaxNormalize and weightedFusion', () => {
  it('maps the best to 1 and the worst to 0; equal scores all to 1', () => {
    expect([...minMaxNormalize(list('a', 'b', 'c')).values()]).toEqual([1, 0.5, 0]);
    expect([
      ...minMaxNormalize([
        { id: 'x', score: 3 },
        { id: 'y', score: 3 },
      ]).values(),
    ]).toEqual([1, 1]);
    expect(minMaxNormalize([]).size).toBe(0);
  });

  it('adds weighted normalised scores, a missing candidate getting 0 from that list', () => {
    const fused = weightedFusion([list('a', 'b'), list('b', 'c')], [1, 0.5]);
    expect(fused.get('a')).toBe(1);
    expect(fused.get('b')).toBe(0 + 0.5);
    expect(fused.get('c')).toBe(0);
  });

  it('keeps every fused score within [0, sum of weights]', () => {
    fc.assert(
      fc.property(
        hits,
        hits,
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (a, b, wa, wb) => {
          for (const score of weightedFusion([a, b], [wa, wb]).values()) {
            expect(score).toBeGreaterThanOrEqual(0);
            expect(score).toBeLessThanOrEqual(wa + wb + 1e-9);
          }
        },
      ),
    );
  });
});

describe('fuse (the relevance signal)', () => {
  it('gives every candidate of either list a relevance in [0, 1], the best exactly 1, for both fusions', () => {
    fc.assert(
      fc.property(
        hits,
        hits,
        fc.constantFrom('rrf' as const, 'weighted' as const),
        (lexical, similar, fusion) => {
          const relevance = fuse(lexical, similar, { ...DEFAULT_RETRIEVAL_SETTINGS, fusion });
          expect(relevance.size).toBe(new Set([...lexical, ...similar].map((h) => h.id)).size);
          const values = [...relevance.values()];
          for (const v of values) expect(v >= 0 && v <= 1).toBe(true);
          if (values.some((v) => v > 0)) expect(Math.max(...values)).toBe(1);
        },
      ),
    );
  });

  it('uses a single list alone when the other is empty', () => {
    const relevance = fuse(list('a', 'b'), [], DEFAULT_RETRIEVAL_SETTINGS);
    expect(relevance.get('a')).toBe(1);
    expect(relevance.get('b')!).toBeLessThan(1);
    expect(fuse([], [], DEFAULT_RETRIEVAL_SETTINGS).size).toBe(0);
  });
});

describe('decisive list weights', () => {
  it('measures how far a list drops from its best hit to its tenth', () => {
    expect(
      decisiveness([
        { id: 'a', score: 9 },
        { id: 'b', score: 3 },
      ]),
    ).toBeCloseTo(2 / 3);
    expect(decisiveness(list('a', 'b', 'c').map((h) => ({ ...h, score: 5 })))).toBe(0);
    expect(decisiveness([{ id: 'a', score: 4 }])).toBe(0);
    expect(
      decisiveness([
        { id: 'a', score: -1 },
        { id: 'b', score: -2 },
      ]),
    ).toBe(0);
  });

  it('lets the sharp list decide where a flat one disagrees with it', () => {
    // BM25 barely tells its hits apart; the vectors clearly prefer z.
    const flat = ['x', 'y', 'z', 'w'].map((id, i) => ({ id, score: 10 - i * 0.01 }));
    const sharp = [
      { id: 'z', score: 0.9 },
      { id: 'x', score: 0.2 },
      { id: 'y', score: 0.1 },
      { id: 'w', score: 0.05 },
    ];
    const top = (listWeights: 'fixed' | 'decisive') =>
      [...fuse(flat, sharp, { ...DEFAULT_RETRIEVAL_SETTINGS, listWeights })].sort(
        (a, b) => b[1] - a[1],
      )[0]?.[0];
    expect(top('fixed')).toBe('x');
    expect(top('decisive')).toBe('z');
  });
});
