import { describe, expect, it } from 'vitest';
import { compareSequences, hitAtK, mean, ndcgAtK, percentile, reciprocalRank } from '../../eval/metrics.js';

const relevant = new Set(['r1', 'r2']);

describe('ranking metrics', () => {
  it('hit@k is 1 only when a relevant id is within the first k', () => {
    expect(hitAtK(['x', 'r2', 'y'], relevant, 1)).toBe(0);
    expect(hitAtK(['x', 'r2', 'y'], relevant, 2)).toBe(1);
    expect(hitAtK([], relevant, 5)).toBe(0);
  });

  it('reciprocal rank is 1/rank of the first relevant id within k', () => {
    expect(reciprocalRank(['x', 'y', 'r1'], relevant)).toBeCloseTo(1 / 3);
    expect(reciprocalRank(['x', 'y', 'r1'], relevant, 2)).toBe(0);
    expect(reciprocalRank(['r2', 'r1'], relevant)).toBe(1);
  });

  it('nDCG@k is 1 for an ideal list, less when relevant ids come later, 0 with none', () => {
    expect(ndcgAtK(['r1', 'r2', 'x'], relevant, 10)).toBeCloseTo(1);
    expect(ndcgAtK(['x', 'r1', 'r2'], relevant, 10)).toBeCloseTo(
      (1 / Math.log2(3) + 1 / 2) / (1 + 1 / Math.log2(3)),
    );
    expect(ndcgAtK(['x', 'y'], relevant, 10)).toBe(0);
    expect(ndcgAtK(['r1'], new Set(), 10)).toBe(0);
  });
});

describe('compareSequences', () => {
  it('matches gold items once each, as a multiset', () => {
    expect(compareSequences(['cancel', 'cancel'], ['cancel'])).toEqual({
      precision: 0.5,
      recall: 1,
      f1: 2 / 3,
      exact: 0,
    });
  });

  it('needs the same order for an exact match', () => {
    expect(compareSequences(['a', 'b'], ['a', 'b']).exact).toBe(1);
    expect(compareSequences(['b', 'a'], ['a', 'b'])).toMatchObject({ precision: 1, recall: 1, exact: 0 });
  });

  it('scores an empty prediction 0', () => {
    expect(compareSequences([], ['a'])).toEqual({ precision: 0, recall: 0, f1: 0, exact: 0 });
  });
});

describe('mean and percentile', () => {
  it('guard empty lists and use the nearest rank', () => {
    expect(mean([])).toBe(0);
    expect(mean([1, 2, 3])).toBe(2);
    expect(percentile([], 95)).toBe(0);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 100)).toBe(5);
  });
});
