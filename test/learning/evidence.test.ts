import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText, mergeEvidence } from '../../src/learning/episode-utils.js';

/** The definition: the sorted union, its last `cap` ids. */
const union = (a: readonly string[], b: readonly string[], cap: number): string[] => {
  const all = [...new Set([...a, ...b])].sort(compareText);
  return all.slice(Math.max(0, all.length - cap));
};

const id = fc.stringMatching(/^[0-9a-f]{1,3}$/);
const sortedIds = fc.uniqueArray(id, { maxLength: 60 }).map((ids) => ids.sort(compareText));

describe('mergeEvidence', () => {
  // One new episode joining a stored (sorted) list takes a shortcut; it must give what the definition gives.
  it('adds one id to a stored list as the sorted union does', () => {
    fc.assert(
      fc.property(sortedIds, id, fc.integer({ min: 0, max: 70 }), (stored, added, cap) => {
        expect(mergeEvidence(stored, [added], cap)).toEqual(union(stored, [added], cap));
        expect(mergeEvidence([added], stored, cap)).toEqual(union([added], stored, cap));
      }),
    );
  });

  it('merges any two lists, sorted or not, with duplicates, as the sorted union', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 60 }), fc.array(id, { maxLength: 3 }), (a, b) => {
        expect(mergeEvidence(a, b)).toEqual(union(a, b, 50));
        expect(mergeEvidence(b, a)).toEqual(union(b, a, 50));
      }),
    );
  });

  it('keeps the most recent 50 when a new id arrives at a full list', () => {
    const stored = Array.from({ length: 50 }, (_, i) => `e${String(i).padStart(3, '0')}`);
    const merged = mergeEvidence(stored, ['e999']);
    expect(merged).toHaveLength(50);
    expect(merged[0]).toBe('e001');
    expect(merged.at(-1)).toBe('e999');
    expect(mergeEvidence(stored, ['e010'])).toEqual(stored);
  });
});
