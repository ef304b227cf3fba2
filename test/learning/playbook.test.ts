import { describe, expect, it } from 'vitest';
import type { Episode, TaskContext } from '../../src/core/index.js';
import {
  buildPlaybook,
  deriveHeuristics,
  type EndedEpisode,
  extractPatterns,
  mergeAll,
  type PlaybookInput,
  planLearning,
} from '../../src/learning/index.js';
import { fail, failure, makeEpisode, type StepLike } from './fixtures.js';

const context: TaskContext = { domain: 'web', language: 'ts', complexity: 'simple', tags: [] };

/** A finished episode with everything completion adds, as the facade would load it. */
function completed(n: number, steps: StepLike[], extra: Partial<EndedEpisode> = {}): Episode {
  const episode = makeEpisode({ n, steps, context, task: `Fix login bug number ${n}` });
  return planLearning({ ...episode, ...extra }).finish({ patterns: [], heuristics: [] }).episode;
}

function input(ranked: Array<[Episode, number]>, maxSteps = 8): PlaybookInput {
  const ended = ranked.map(([e]) => e as EndedEpisode);
  return {
    task: 'Fix the login bug',
    context,
    episodes: ranked.map(([episode, score]) => ({ episode, score })),
    patterns: mergeAll(ended.flatMap((e) => extractPatterns(e))),
    heuristics: ended.flatMap((e) => deriveHeuristics(e, extractPatterns(e))),
    maxSteps,
  };
}

describe('buildPlaybook', () => {
  const main = [1, 2, 3].map((n) => completed(n, ['read', 'edit', 'lint']));
  const other = completed(4, ['grep', 'edit']);

  it('builds on the tool sequence best backed by the top matches', () => {
    const book = buildPlaybook(
      input([
        [main[0]!, 0.9],
        [other, 0.95],
        [main[1]!, 0.8],
        [main[2]!, 0.7],
      ]),
    );
    expect(book.steps.map((s) => s.tool)).toEqual(['read', 'edit', 'lint']);
    expect(book.steps[0]?.why).toBe('Used in 3 past episodes, 100% succeeded; seen in 3 of the top matches');
    expect(book.supportingEpisodeIds).toEqual(main.map((e) => e.id));
    // mean(top score 0.95, success rate 1, evidence 3/5) = 0.833, times 3 of the 4 matches agreeing.
    expect(book.confidence).toBe(0.625);
    expect(book.patternIds[0]).toMatch(/^pat_/);
  });

  it('falls back to the steps of the best successful episode', () => {
    const failed = completed(5, ['read', 'bash'], { outcome: failure('login still broken') });
    const good = completed(6, ['read', fail('npm'), 'npm', 'npm', 'edit']);
    const book = buildPlaybook({
      ...input([
        [failed, 0.9],
        [good, 0.6],
      ]),
      patterns: [],
    });
    expect(book.steps.map((s) => s.tool)).toEqual(['read', 'npm', 'edit']);
    expect(book.steps[0]?.why).toBe('As in episode 01950000: Fix login bug number 6');
    expect(book.supportingEpisodeIds).toEqual([good.id]);
    expect(book.pitfalls).toContain('A past attempt failed: login still broken');
  });

  it('caps the steps and adds decision advice to a check step', () => {
    const book = buildPlaybook(input([[completed(7, ['read', 'lint', 'edit', 'commit', 'push']), 1]], 2));
    expect(book.steps.map((s) => [s.order, s.tool])).toEqual([
      [1, 'read'],
      [2, 'lint'],
    ]);
    expect(book.steps[1]?.why).toContain('If it passes, continue with edit → commit → push');
    expect(book.patternIds).toHaveLength(2);
  });

  it('warns about errors from recoveries once, not again from the matching rule', () => {
    const recovered = completed(8, ['read', fail('npm', 'ETIMEDOUT'), 'npm', 'edit']);
    const book = buildPlaybook(input([[recovered, 0.9]]));
    expect(book.pitfalls[0]).toBe('If npm fails with ETIMEDOUT: npm');
    expect(book.pitfalls.filter((p) => p.includes('ETIMEDOUT'))).toHaveLength(1);
    expect(book.pitfalls.length).toBeLessThanOrEqual(5);
    expect(book.whenToApply[0]).toBe('In web with ts, simple tasks');
  });

  it('has zero confidence and no steps when nothing is known', () => {
    const book = buildPlaybook({
      task: 'x',
      context,
      episodes: [],
      patterns: [],
      heuristics: [],
      maxSteps: 5,
    });
    expect(book.steps).toEqual([]);
    expect(book.confidence).toBe(0);
    expect(book.pitfalls).toEqual([]);
    expect(book.supportingEpisodeIds).toEqual([]);
  });
});
