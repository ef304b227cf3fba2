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
});
