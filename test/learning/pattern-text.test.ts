import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTerminal } from '../../src/cli/format.js';
import { patternLine, shortDescription } from '../../src/cli/render.js';
import { type Pattern, patternCounts, patternDescription } from '../../src/core/index.js';
import { extractToolSequences, mergePatterns } from '../../src/learning/index.js';
import { foundPatternView, patternView } from '../../src/views/index.js';
import { type EpisodeSpec, makeEpisode, partial } from './fixtures.js';

function observe(spec: EpisodeSpec): Pattern {
  const [p] = extractToolSequences(makeEpisode({ steps: ['read', 'edit'], ...spec }));
  if (!p) throw new Error('no sequence');
  return p;
}

// The description is the text that is indexed and embedded: when it changed with every sighting, each
// completion re-indexed and re-embedded every pattern it touched, and the embedding cache never hit.
describe("a pattern's description", () => {
  it('stays the same as sightings and outcomes add up', () => {
    const first = observe({ n: 1 });
    let merged = first;
    for (let n = 2; n <= 6; n++) merged = mergePatterns(merged, observe({ n, outcome: partial() }));
    expect(merged.occurrences).toBe(6);
    expect(merged.successRate).toBeCloseTo(1 / 6);
    expect(merged.description).toBe(first.description);
    expect(merged.description).toBe('Sequence read → edit in web');
  });

  it('drops the counts an older version stored in it at the next sighting', () => {
    const stored = {
      ...observe({ n: 1 }),
      description: 'Sequence read → edit in web (seen 1×, 100% success)',
    };
    expect(patternDescription(stored)).toBe('Sequence read → edit in web');
    expect(mergePatterns(stored, observe({ n: 2 })).description).toBe('Sequence read → edit in web');
  });
});

describe('views of a pattern', () => {
  const pattern = mergePatterns(
    mergePatterns(observe({ n: 1 }), observe({ n: 2 })),
    observe({ n: 3, outcome: partial() }),
  );

  it('say the counts beside the description', () => {
    expect(patternCounts(pattern)).toBe('seen 3×, 67% success');
    const t = createTerminal(new PassThrough(), {});
    const line = patternLine(t, pattern);
    expect(line).toContain('Sequence read → edit in web');
    expect(line).toContain('67% success · 3×');
  });

  it('show an old stored description without its stale counts', () => {
    const old = { ...pattern, description: `${pattern.description} (seen 2×, 100% success)` };
    expect(shortDescription(old.description)).toBe('Sequence read → edit in web');
    expect(patternView(old)).toMatchObject({ description: 'Sequence read → edit in web', occurrences: 3 });
    expect(foundPatternView({ pattern: old, score: 0.5 })).toMatchObject({
      description: 'Sequence read → edit in web',
      success_rate: pattern.successRate,
      occurrences: 3,
    });
  });
});
