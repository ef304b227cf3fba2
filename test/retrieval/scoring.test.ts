import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  combineSignals,
  contextMatch,
  DEFAULT_RETRIEVAL_WEIGHTS,
  normalizeByMax,
  rankByScore,
  recencyScore,
} from '../../src/retrieval/index.js';

const context = {
  domain: 'web',
  language: 'typescript',
  framework: 'express',
  complexity: 'moderate' as const,
  tags: ['auth'],
};
const DAY = 86_400_000;

describe('normalizeByMax', () => {
  it('scales by the best value and guards empty lists, zeros and non-finite values', () => {
    expect(normalizeByMax([2, 1, 0])).toEqual([1, 0.5, 0]);
    expect(normalizeByMax([])).toEqual([]);
    expect(normalizeByMax([0, 0])).toEqual([0, 0]);
    expect(normalizeByMax([Number.NaN, 4, Number.POSITIVE_INFINITY])).toEqual([0, 1, 0]);
  });

  it('keeps every value in [0, 1] and the order of the input', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true })), (values) => {
        const out = normalizeByMax(values);
        expect(out).toHaveLength(values.length);
        for (const v of out) expect(v >= 0 && v <= 1).toBe(true);
        for (let i = 0; i < values.length; i++) {
          for (let j = 0; j < values.length; j++) {
            if (values[i]! > values[j]! && values[j]! > 0) expect(out[i]!).toBeGreaterThanOrEqual(out[j]!);
          }
        }
      }),
    );
  });
});

describe('contextMatch', () => {
  it('counts only the fields the query gives', () => {
    expect(contextMatch({}, context)).toBe(0);
    expect(contextMatch({ domain: 'web' }, context)).toBe(1);
    expect(contextMatch({ domain: 'WEB' }, context)).toBe(1);
    expect(contextMatch({ domain: 'data' }, context)).toBe(0);
  });

  it('weighs domain above language above framework', () => {
    const domainOnly = contextMatch({ domain: 'web', language: 'rust', framework: 'axum' }, context);
    const languageOnly = contextMatch({ domain: 'data', language: 'typescript', framework: 'axum' }, context);
    const frameworkOnly = contextMatch({ domain: 'data', language: 'rust', framework: 'express' }, context);
    expect(domainOnly).toBeGreaterThan(languageOnly);
    expect(languageOnly).toBeGreaterThan(frameworkOnly);
    expect(frameworkOnly).toBeGreaterThan(0);
  });

  it('uses the Jaccard overlap of tags, episode tags included', () => {
    expect(contextMatch({ tags: ['auth'] }, context)).toBe(1);
    expect(contextMatch({ tags: ['auth', 'ci'] }, context, ['ci'])).toBe(1);
    expect(contextMatch({ tags: ['auth', 'db'] }, context)).toBeCloseTo(0.5);
  });
});

describe('recencyScore', () => {
  it('halves with each half-life and treats the future as now', () => {
    const now = Date.parse('2026-11-25T00:00:00Z');
    expect(recencyScore(now, now, 30)).toBe(1);
    expect(recencyScore(now - 30 * DAY, now, 30)).toBeCloseTo(0.5);
    expect(recencyScore(now + DAY, now, 30)).toBe(1);
    expect(recencyScore(Number.NaN, now, 30)).toBe(0);
  });
});

describe('combineSignals', () => {
  it('is a weighted mean in [0, 1] and 0 when all weights are 0', () => {
    fc.assert(
      fc.property(
        fc.record({
          relevance: fc.double({ min: 0, max: 1, noNaN: true }),
          effectiveness: fc.double({ min: 0, max: 1, noNaN: true }),
          context: fc.double({ min: 0, max: 1, noNaN: true }),
          reward: fc.double({ min: 0, max: 1, noNaN: true }),
          recency: fc.double({ min: 0, max: 1, noNaN: true }),
          prediction: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        (signals) => {
          const score = combineSignals(signals, DEFAULT_RETRIEVAL_WEIGHTS);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
        },
      ),
    );
    const zero = {
      relevance: 0,
      context: 0,
      reward: 0,
      recency: 0,
      effectiveness: 0,
      prediction: 0,
      recencyHalfLifeDays: 30,
    };
    const ones = { relevance: 1, context: 1, reward: 1, recency: 1, effectiveness: 1, prediction: 1 };
    expect(combineSignals(ones, zero)).toBe(0);
  });

  it('rises with each signal', () => {
    const base = {
      relevance: 0.5,
      context: 0.5,
      reward: 0.5,
      recency: 0.5,
      effectiveness: 0.5,
      prediction: 0.5,
    };
    for (const key of ['relevance', 'context', 'reward', 'recency', 'effectiveness', 'prediction'] as const) {
      expect(combineSignals({ ...base, [key]: 0.9 }, DEFAULT_RETRIEVAL_WEIGHTS)).toBeGreaterThan(
        combineSignals(base, DEFAULT_RETRIEVAL_WEIGHTS),
      );
    }
  });
});

describe('rankByScore', () => {
  it('sorts best first with a stable tie order and no duplicates or losses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uuid(), fc.integer({ min: 0, max: 5 })), { maxLength: 40 }),
        (pairs) => {
          const unique = [...new Map(pairs).entries()].map(([id, s]) => ({ item: id, score: s / 5 }));
          const ranked = rankByScore(unique, (id) => id);
          expect(ranked.map((r) => r.item).sort()).toEqual(unique.map((u) => u.item).sort());
          for (let i = 1; i < ranked.length; i++)
            expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
          expect(rankByScore([...unique].reverse(), (id) => id)).toEqual(ranked);
        },
      ),
    );
  });
});
