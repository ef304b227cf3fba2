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

  it('reconciles the similar successful episodes into one sequence', () => {
    const book = buildPlaybook(
      input([
        [other, 0.91],
        [main[0]!, 0.9],
        [main[1]!, 0.89],
        [main[2]!, 0.88],
      ]),
    );
    // Nearly as similar, three agreeing runs outvote the closest one; edit is used by all four.
    expect(book.steps.map((s) => s.tool)).toEqual(['read', 'edit', 'lint']);
    expect(book.steps[1]?.support).toBeGreaterThan(book.steps[0]!.support);
    expect(book.steps[0]?.why).toMatch(/^Used by 3 similar successful runs/);
    expect(book.supportingEpisodeIds).toEqual(main.map((e) => e.id));
    expect(book.patternIds[0]).toMatch(/^pat_/);
  });

  it('never takes steps from a failed episode, and warns about what it did', () => {
    const failed = [5, 6].map((n) => completed(n, ['read', 'deploy'], { outcome: failure('rolled back') }));
    const book = buildPlaybook(
      input([
        [failed[0]!, 0.95],
        [failed[1]!, 0.9],
      ]),
    );
    expect(book.steps).toEqual([]);
    expect(book.confidence).toBe(0);
    expect(book.evidence).toEqual({ successes: 0, failures: 2 });
    expect(book.pitfalls.some((p) => p.startsWith('In similar runs that failed, agents ran deploy'))).toBe(
      true,
    );
  });

  it('drops failed calls and retries from the steps it copies', () => {
    const good = completed(6, ['read', fail('npm'), 'npm', 'npm', 'edit']);
    const book = buildPlaybook({ ...input([[good, 1]]), patterns: [] });
    expect(book.steps.map((s) => s.tool)).toEqual(['read', 'npm', 'edit']);
    expect(book.supportingEpisodeIds).toEqual([good.id]);
  });

  it('says less when the evidence is thin', () => {
    // The same steps, from a run of the same task and from one whose task shares no word with it.
    const unrelated = completed(11, ['read', 'edit', 'lint'], { task: 'Rotate the backup keys' });
    const strong = buildPlaybook(input([[main[0]!, 0.9]]));
    const weak = buildPlaybook(input([[unrelated, 0.9]]));
    expect(strong.steps.length).toBe(3);
    expect(weak.steps).toEqual([]);
    expect(weak.confidence).toBe(0);
  });

  it('grows more confident as more similar successes agree', () => {
    const one = buildPlaybook(input([[main[0]!, 0.9]]));
    const three = buildPlaybook(input(main.map((e) => [e, 0.9] as [Episode, number])));
    const split = buildPlaybook(
      input([
        [main[0]!, 0.9],
        [completed(9, ['read', 'edit', 'deploy']), 0.9],
      ]),
    );
    expect(three.confidence).toBeGreaterThan(one.confidence);
    expect(one.confidence).toBeGreaterThan(split.confidence);
    expect(three.confidence).toBeLessThanOrEqual(1);
  });

  it('adds a tool the task words predict even when no neighbour shows it', () => {
    const model = [
      { tool: 'lint', success: 0.95, failure: 0.1, prior: 0.2, evidence: 20 },
      { tool: 'read', success: 0.9, failure: 0.9, prior: 0.9, evidence: 20 },
      { tool: 'edit', success: 0.9, failure: 0.8, prior: 0.9, evidence: 20 },
    ];
    const book = buildPlaybook({ ...input([[completed(10, ['read', 'edit']), 0.7]]), model });
    expect(book.steps.map((s) => s.tool)).toEqual(['read', 'edit', 'lint']);
    expect(book.steps[2]?.why).toContain("he task's words predict it");
    const off = buildPlaybook({
      ...input([[completed(10, ['read', 'edit']), 0.7]]),
      model,
      settings: { toolModel: false },
    });
    expect(off.steps.map((s) => s.tool)).toEqual(['read', 'edit']);
  });

  it('caps the steps and adds decision advice to a check step', () => {
    const book = buildPlaybook(input([[completed(7, ['read', 'lint', 'edit', 'commit', 'push']), 1]], 2));
    expect(book.steps.map((s) => [s.order, s.tool])).toEqual([
      [1, 'read'],
      [2, 'lint'],
    ]);
    expect(book.steps[1]?.why).toContain('If it passes, continue with edit → commit → push');
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
