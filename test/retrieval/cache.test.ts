import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/index.js';
import { QueryCache } from '../../src/retrieval/index.js';

describe('QueryCache', () => {
  it('returns what was stored and counts hits and misses', () => {
    const cache = new QueryCache<number>({ maxEntries: 10, ttlMs: 1_000, clock: fixedClock(0) });
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', 1);
    expect(cache.get('k')).toBe(1);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('expires entries after the TTL', () => {
    const clock = fixedClock(0);
    const cache = new QueryCache<number>({ maxEntries: 10, ttlMs: 1_000, clock });
    cache.set('k', 1);
    clock.advance(999);
    expect(cache.get('k')).toBe(1);
    clock.advance(1);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry first', () => {
    const cache = new QueryCache<number>({ maxEntries: 2, ttlMs: 1_000, clock: fixedClock(0) });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('stores nothing with room for nothing', () => {
    const cache = new QueryCache<number>({ maxEntries: 0, ttlMs: 1_000, clock: fixedClock(0) });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps its values within maxBytes, oldest out first, and never keeps one value larger than the budget', () => {
    const text = (n: number) => 'x'.repeat(n);
    const cache = new QueryCache<{ text: string }>({
      maxEntries: 100,
      maxBytes: 10_000,
      ttlMs: 1_000,
      clock: fixedClock(0),
    });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, { text: text(1_000) });
    // About 2 KB each: four fit.
    expect(cache.size).toBe(4);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.get('k9')?.text).toHaveLength(1_000);
    expect(cache.get('k5')).toBeUndefined();
    cache.set('huge', { text: text(6_000) });
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('k9')).toBeDefined();
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
});

describe('approximateBytes', () => {
  it('grows with the text and the structure of a value, and counts typed arrays by their bytes', async () => {
    const { approximateBytes } = await import('../../src/core/index.js');
    const small = approximateBytes({ task: 'fix it', steps: [] });
    const large = approximateBytes({ task: 'fix it', steps: [{ output: 'y'.repeat(10_000) }] });
    expect(large - small).toBeGreaterThan(20_000);
    expect(approximateBytes(new Float32Array(384))).toBeGreaterThanOrEqual(1536);
    expect(approximateBytes(new Map([['a', 'b']]))).toBeGreaterThan(64);
    const cyclic: { self?: unknown; text: string } = { text: 'x' };
    cyclic.self = cyclic;
    // It ends, counting the object once.
    expect(approximateBytes(cyclic)).toBeLessThan(approximateBytes({ self: { text: 'x' }, text: 'x' }));
  });
});
