import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMemoryError, type Pattern } from '../../src/core/index.js';
import {
  extractToolSequences,
  feedbackEffectiveness,
  mergeAll,
  mergePatterns,
} from '../../src/learning/index.js';
import { type EpisodeSpec, makeEpisode, partial, success } from './fixtures.js';

function observe(spec: EpisodeSpec & { tools?: string[] }): Pattern {
  const [p] = extractToolSequences(makeEpisode({ steps: spec.tools ?? ['read', 'edit'], ...spec }));
  if (!p) throw new Error('no sequence');
  return p;
}

describe('mergePatterns', () => {
  it('adds counts and latency and recomputes the rates', () => {
    const a = observe({
      n: 1,
      steps: [
        { tool: 'read', latencyMs: 100 },
        { tool: 'edit', latencyMs: 200 },
      ],
    });
    const b = observe({ n: 2, outcome: partial() });
    const c = observe({ n: 3 });
    const merged = mergePatterns(mergePatterns(a, b), c);
    expect(merged).toMatchObject({ occurrences: 3, successCount: 2, totalLatencyMs: 700 });
    expect(merged.successRate).toBeCloseTo(2 / 3);
    expect(merged.avgLatencyMs).toBeCloseTo(700 / 3);
    expect(merged.description).toBe('Sequence read → edit in web');
  });

  it('widens the seen range and keeps the union of evidence in time order', () => {
    const merged = mergePatterns(observe({ n: 5 }), observe({ n: 2 }));
    expect(merged.evidence).toEqual([observe({ n: 2 }).evidence[0], observe({ n: 5 }).evidence[0]]);
    expect(merged.firstSeen).toBe(observe({ n: 2 }).firstSeen);
    expect(merged.lastSeen).toBe(observe({ n: 5 }).lastSeen);
  });

  it('keeps the shared context and the smaller non-empty action', () => {
    const a = observe({
      n: 1,
      steps: [{ tool: 'read', action: 'open b' }, 'edit'],
      context: { language: 'ts', tags: ['x', 'y'] },
    });
    const b = observe({
      n: 2,
      steps: [{ tool: 'read', action: '' }, 'edit'],
      context: { language: 'py', tags: ['y'] },
    });
    const c = observe({
      n: 3,
      steps: [{ tool: 'read', action: 'open a' }, 'edit'],
      context: { language: 'ts', tags: ['y'] },
    });
    const merged = mergeAll([a, b, c])[0];
    expect(merged?.context).toEqual({ domain: 'web', taskType: 'debugging', tags: ['y'] });
    expect(merged?.data).toMatchObject({ steps: [{ tool: 'read', action: 'open a' }, { tool: 'edit' }] });
    expect(mergePatterns(a, c).context.language).toBe('ts');
  });

  it('keeps only the 50 most recent evidence ids', () => {
    const merged = mergeAll(Array.from({ length: 60 }, (_, i) => observe({ n: i + 1 })))[0];
    expect(merged?.occurrences).toBe(60);
    expect(merged?.evidence).toHaveLength(50);
    expect(merged?.evidence[0]).toBe(observe({ n: 11 }).evidence[0]);
    expect(merged?.evidence[49]).toBe(observe({ n: 60 }).evidence[0]);
  });

  it('refuses patterns with different keys', () => {
    let error: unknown;
    try {
      mergePatterns(observe({}), observe({ tools: ['read', 'test'] }));
    } catch (e) {
      error = e;
    }
    expect(isMemoryError(error) && error.code).toBe('INVALID_INPUT');
  });
});

const observationArb = (tools: string[]): fc.Arbitrary<Pattern> =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 80 }),
      action: fc.constantFrom('', 'open a', 'open b', 'read it'),
      latencyMs: fc.nat(10_000),
      ok: fc.boolean(),
      taskType: fc.constantFrom('debugging' as const, 'testing' as const),
      language: fc.option(fc.constantFrom('ts', 'py'), { nil: undefined }),
      tags: fc.subarray(['x', 'y', 'z']),
      effectiveness: fc.double({ min: 0, max: 1, noNaN: true }),
      // Half the observations carry feedback, so both branches of the effectiveness rule are exercised.
      feedback: fc.option(
        fc.nat(5).chain((helped) =>
          fc.record({
            helped: fc.constant(helped),
            applied: fc.integer({ min: Math.max(1, helped), max: 8 }),
          }),
        ),
        { nil: undefined },
      ),
    })
    .map((r) => ({
      ...observe({
        n: r.n,
        tools,
        steps: [{ tool: tools[0] ?? 'read', action: r.action, latencyMs: r.latencyMs }, ...tools.slice(1)],
        outcome: r.ok ? success() : partial(),
        taskType: r.taskType,
        context: { tags: r.tags, ...(r.language ? { language: r.language } : {}) },
      }),
      ...(r.feedback
        ? {
            feedbackApplied: r.feedback.applied,
            feedbackHelped: r.feedback.helped,
            effectiveness: feedbackEffectiveness(r.feedback.applied, r.feedback.helped),
          }
        : { effectiveness: r.effectiveness }),
    }));

/** JSON with effectiveness rounded: a weighted mean of doubles is associative only up to rounding. */
const canonical = (patterns: Pattern | Pattern[]): string =>
  JSON.stringify(patterns, (k, v) => (k === 'effectiveness' ? Number(v.toFixed(9)) : v));

describe('mergePatterns with feedback', () => {
  it('adds the feedback counts and recomputes effectiveness from them', () => {
    const a = { ...observe({ n: 1 }), feedbackApplied: 2, feedbackHelped: 2, effectiveness: 0.75 };
    const b = { ...observe({ n: 2 }), effectiveness: 0.1 };
    const merged = mergePatterns(a, b);
    expect(merged).toMatchObject({ feedbackApplied: 2, feedbackHelped: 2 });
    expect(merged.effectiveness).toBeCloseTo(0.75);
    expect(mergePatterns(b, { ...b, feedbackApplied: 1, feedbackHelped: 0 }).effectiveness).toBeCloseTo(
      1 / 3,
    );
  });
});

describe('mergePatterns properties', () => {
  const obs = observationArb(['read', 'edit']);

  it('is commutative', () => {
    fc.assert(
      fc.property(obs, obs, (a, b) => {
        expect(canonical(mergePatterns(a, b))).toBe(canonical(mergePatterns(b, a)));
      }),
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(obs, obs, obs, (a, b, c) => {
        const left = mergePatterns(mergePatterns(a, b), c);
        const right = mergePatterns(a, mergePatterns(b, c));
        expect(canonical(left)).toBe(canonical(right));
      }),
    );
  });

  it('mergeAll gives the same result in any order and one pattern per key', () => {
    const list = fc.array(fc.oneof(obs, observationArb(['read', 'test']), observationArb(['grep'])), {
      minLength: 1,
      maxLength: 30,
    });
    const withShuffle = list.chain((xs) =>
      fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length })),
    );
    fc.assert(
      fc.property(withShuffle, ([xs, shuffled]) => {
        const merged = mergeAll(xs);
        expect(canonical(mergeAll(shuffled))).toBe(canonical(merged));
        expect(new Set(merged.map((p) => p.key)).size).toBe(merged.length);
        expect(merged.reduce((sum, p) => sum + p.occurrences, 0)).toBe(xs.length);
      }),
    );
  });
});
