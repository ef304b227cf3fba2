import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundFinalists } from '../../src/retrieval/retrieve.js';
import { combineSignals, rankByScore, type Signals } from '../../src/retrieval/scoring.js';
import { resolveRetrievalSettings } from '../../src/retrieval/settings.js';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const candidate = fc.record({
  relevance: unit,
  context: unit,
  reward: fc.double({ min: -1, max: 1, noNaN: true }),
  recency: unit,
  effectiveness: unit,
  prediction: unit,
});

/** The best `keep` ids when every candidate is scored in full. */
function topInFull(all: Array<{ id: string; signals: Signals }>, keep: number, rerank: boolean): string[] {
  const settings = resolveRetrievalSettings({ rerank });
  const scored = all.map((c) => ({
    item: c,
    score: rerank ? combineSignals(c.signals, settings.weights) : c.signals.relevance,
  }));
  return rankByScore(scored, (c) => c.id)
    .slice(0, keep)
    .map((r) => r.item.id);
}

describe('boundFinalists', () => {
  it('never drops a candidate that scoring in full would rank among the best `keep`', () => {
    fc.assert(
      fc.property(
        fc.array(candidate, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (signals, keep, rerank) => {
          const all = signals.map((s, i) => ({ id: `e${String(i).padStart(3, '0')}`, signals: s }));
          // What ranking knows before reading effectiveness and tools: both at 0.
          const partial = all.map((c) => ({
            id: c.id,
            signals: { ...c.signals, effectiveness: 0, prediction: 0 },
          }));
          const settings = resolveRetrievalSettings({ rerank });
          const finalists = new Set(boundFinalists(partial, keep, settings).map((f) => f.id));
          const full = all.filter((c) => finalists.has(c.id));
          expect(topInFull(full, keep, rerank)).toEqual(topInFull(all, keep, rerank));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('drops candidates that cannot make the cut', () => {
    const settings = resolveRetrievalSettings();
    const partial = Array.from({ length: 50 }, (_, i) => ({
      id: `e${i}`,
      signals: { relevance: i / 50, context: 0, reward: 0, recency: 0, effectiveness: 0, prediction: 0 },
    }));
    const kept = boundFinalists(partial, 5, settings);
    expect(kept.length).toBeLessThan(20);
    expect(kept.map((k) => k.id)).toEqual(expect.arrayContaining(['e49', 'e48', 'e47', 'e46', 'e45']));
  });
});
