import { describe, expect, it } from 'vitest';
import {
  expectedCalibrationError,
  firstWriteMatch,
  lcsLength,
  normalizedLcs,
  reliabilityTable,
  sameWriteSet,
  writeF1,
} from '../../eval/noisy/measures.js';

describe('normalised LCS', () => {
  it('divides the longest common subsequence by the longer length', () => {
    // a, c, d in order; b is out of place.
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(3);
    expect(normalizedLcs(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(0.75);
    expect(normalizedLcs(['a', 'b', 'c'], ['a', 'c'])).toBeCloseTo(2 / 3);
  });

  it('is 1 for equal sequences and for two empty ones, 0 with nothing in common', () => {
    expect(normalizedLcs(['x', 'y'], ['x', 'y'])).toBe(1);
    expect(normalizedLcs([], [])).toBe(1);
    expect(normalizedLcs(['x'], [])).toBe(0);
    expect(normalizedLcs(['x', 'y'], ['z'])).toBe(0);
  });
});

describe('write measures', () => {
  it('first-write accuracy compares the first writes only', () => {
    expect(firstWriteMatch(['cancel', 'return'], ['cancel'])).toBe(1);
    expect(firstWriteMatch(['return'], ['cancel', 'return'])).toBe(0);
    expect(firstWriteMatch([], [])).toBe(1);
    expect(firstWriteMatch([], ['cancel'])).toBe(0);
  });

  it('write F1 is the multiset F1, and 1 when no write is needed and none is advised', () => {
    expect(writeF1(['a', 'a'], ['a'])).toBeCloseTo(2 / 3);
    expect(writeF1(['a', 'b'], ['b', 'c'])).toBe(0.5);
    expect(writeF1([], [])).toBe(1);
    expect(writeF1(['a'], [])).toBe(0);
  });

  it('the write set ignores repeats and order', () => {
    expect(sameWriteSet(['a', 'b', 'a'], ['b', 'a'])).toBe(1);
    expect(sameWriteSet(['a'], ['a', 'b'])).toBe(0);
    expect(sameWriteSet([], [])).toBe(1);
  });
});

describe('calibration', () => {
  // Bin 9: 0.95 right, 0.95 wrong (accuracy 0.5); bin 1: 0.15 wrong; bin 2: 0.25 right.
  const predictions = [
    { confidence: 0.95, right: true },
    { confidence: 0.95, right: false },
    { confidence: 0.15, right: false },
    { confidence: 0.25, right: true },
  ];

  it('ECE weighs each bin gap by its share of predictions', () => {
    // 2/4 · |0.5 − 0.95| + 1/4 · |0 − 0.15| + 1/4 · |1 − 0.25| = 0.225 + 0.0375 + 0.1875
    expect(expectedCalibrationError(predictions)).toBeCloseTo(0.45);
    expect(expectedCalibrationError([])).toBe(0);
    expect(expectedCalibrationError([{ confidence: 1, right: true }])).toBe(0);
  });

  it('the reliability table has ten bins, counts, mean confidence and accuracy', () => {
    const table = reliabilityTable(predictions);
    expect(table).toHaveLength(10);
    expect(table[9]).toMatchObject({ n: 2, accuracy: 0.5 });
    expect(table[9]!.meanConfidence).toBeCloseTo(0.95);
    expect(table[1]).toMatchObject({ n: 1, accuracy: 0 });
    expect(table[5]).toMatchObject({ n: 0, meanConfidence: 0, accuracy: 0 });
  });

  it('puts a confidence of exactly 1 in the last bin', () => {
    expect(reliabilityTable([{ confidence: 1, right: false }])[9]!.n).toBe(1);
  });
});
