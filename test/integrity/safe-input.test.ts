import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSafeInput, MemoryError, PatternSchema } from '../../src/core/index.js';
import { stableStringify } from '../../src/learning/episode-utils.js';
import { extractToolSequences, mergePatterns } from '../../src/learning/index.js';
import { makeEpisode } from '../learning/fixtures.js';

function thrown(run: () => void): MemoryError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    return error as MemoryError;
  }
  throw new Error('expected a MemoryError');
}

describe('checkSafeInput', () => {
  it('passes ordinary JSON, emoji and 32 levels of nesting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 32; i++) deep = [deep];
    expect(() => checkSafeInput({ a: 'é \uD83D\uDE00', b: [1, null, true], deep }, 'x')).not.toThrow();
  });

  it('names the field and says what to fix', () => {
    expect(thrown(() => checkSafeInput({ task: 'a\0b' }, 'start episode')).message).toBe(
      'start episode: task contains a NUL character (\\u0000); remove it',
    );
    const lone = thrown(() => checkSafeInput({ tags: ['ok', '\uDE00x'] }, 'start episode'));
    expect(lone.details).toEqual({ field: 'tags.1' });
    const proto = thrown(() => checkSafeInput(JSON.parse('{"p":{"__proto__":1}}'), 'log step'));
    expect(proto.details).toEqual({ field: 'p.__proto__' });
    expect(thrown(() => checkSafeInput({ n: Number.NaN }, 'x')).message).toBe('x: n must be a finite number');
  });

  it('refuses 100,000 levels of nesting without touching the call stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const error = thrown(() => checkSafeInput({ params: deep }, 'log step'));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.details).toEqual({ field: `params${'.a'.repeat(32)}` });
  });
});

describe('stableStringify', () => {
  it('gives the same text as the recursive definition', () => {
    // The recursive version it replaced: the reference for every value shallow enough to recurse on.
    const recursive = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(recursive).join(',')}]`;
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursive(v)}`).join(',')}}`;
      }
      return JSON.stringify(value) ?? 'null';
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stableStringify(value)).toBe(recursive(value));
      }),
    );
  });

  it('writes 100,000 levels of nesting without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(stableStringify(deep)).toBe(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`);
  });
});

describe('merged aggregates stay finite', () => {
  it('saturates total latency instead of reaching Infinity', () => {
    const [p] = extractToolSequences(makeEpisode({ n: 1, steps: ['read', 'edit'] }));
    if (!p) throw new Error('no sequence');
    const huge = { ...p, totalLatencyMs: Number.MAX_VALUE };
    const merged = mergePatterns(huge, huge);
    expect(Number.isFinite(merged.totalLatencyMs)).toBe(true);
    expect(Number.isFinite(merged.avgLatencyMs)).toBe(true);
    expect(PatternSchema.safeParse(JSON.parse(JSON.stringify(merged))).success).toBe(true);
  });
});
