import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentId, type Heuristic } from '../../src/core/index.js';
import {
  deriveHeuristics,
  type EndedEpisode,
  extractPatterns,
  heuristicTriggers,
  mergeHeuristics,
  voteOnHeuristic,
} from '../../src/learning/index.js';
import { type EpisodeSpec, fail, failure, isoAt, makeEpisode } from './fixtures.js';

const derive = (episode: EndedEpisode) => deriveHeuristics(episode, extractPatterns(episode));
const npmFix: EpisodeSpec = {
  context: { language: 'ts' },
  steps: [fail('npm', 'ETIMEDOUT fetching'), 'npm', 'lint', 'edit'],
};

function rule(episode: EndedEpisode, trigger: string): Heuristic {
  const found = derive(episode).find((h) => h.trigger === trigger);
  if (!found) throw new Error(`no rule for ${trigger}`);
  return found;
}

describe('deriveHeuristics', () => {
  it('turns recoveries, checks and a successful context into rules', () => {
    const episode = makeEpisode(npmFix);
    const rules = derive(episode);
    expect(rules.map((h) => h.key)).toEqual([
      'chk|lint|passed=>edit',
      'ctx|web|debugging|ts=>npm>lint>edit',
      'err|npm|ETIMEDOUT=>npm',
    ]);
    expect(rules[2]).toMatchObject({ conditionText: 'When npm fails with ETIMEDOUT', actionText: 'Run npm' });
    expect(rules[2]?.id).toBe(contentId('heu', 'err|npm|ETIMEDOUT=>npm'));
    expect(rules.every((h) => h.agree === 1 && h.disagree === 0 && h.evidence[0] === episode.id)).toBe(true);
  });

  it('counts a check followed in a failed episode as a disagreeing sighting', () => {
    const rules = derive(makeEpisode({ steps: ['lint', 'edit'], outcome: failure() }));
    expect(rules.map((h) => h.key)).toEqual(['chk|lint|passed=>edit']);
    expect(rules[0]).toMatchObject({ agree: 0, disagree: 1, confidence: 1 / 3 });
  });

  it('lists every trigger an episode matches', () => {
    const triggers = heuristicTriggers(makeEpisode(npmFix));
    expect(triggers).toEqual([
      'chk|lint|passed',
      'ctx|web|debugging|*',
      'ctx|web|debugging|ts',
      'err|npm|ETIMEDOUT',
    ]);
  });
});

describe('voteOnHeuristic', () => {
  const base = rule(makeEpisode({ n: 1, ...npmFix }), 'err|npm|ETIMEDOUT');

  it('raises confidence with each agreeing episode', () => {
    const second = voteOnHeuristic(base, makeEpisode({ n: 2, ...npmFix }));
    const third = second && voteOnHeuristic(second, makeEpisode({ n: 3, ...npmFix }));
    expect(second).toMatchObject({ agree: 2, disagree: 0, confidence: 0.75 });
    expect(third?.confidence).toBe(0.8);
    expect(third?.evidence).toHaveLength(3);
    expect(third?.updatedAt).toBe(makeEpisode({ n: 3 }).endedAt);
  });

  it('lowers confidence when the recovery did not work', () => {
    const retryFailed = makeEpisode({ n: 2, steps: [fail('npm', 'ETIMEDOUT'), fail('npm', 'ETIMEDOUT')] });
    const voted = voteOnHeuristic(base, retryFailed);
    expect(voted).toMatchObject({ agree: 1, disagree: 1, confidence: 0.5 });
    expect(voted && voted.confidence < base.confidence).toBe(true);
  });

  it('returns null when the condition does not hold or the action was not applied', () => {
    expect(voteOnHeuristic(base, makeEpisode({ n: 2, steps: ['npm', 'lint'] }))).toBeNull();
    expect(voteOnHeuristic(base, makeEpisode({ n: 2, steps: [fail('npm', 'EPERM'), 'npm'] }))).toBeNull();
    expect(
      voteOnHeuristic(base, makeEpisode({ n: 2, steps: ['npm', fail('npm', 'ETIMEDOUT'), 'yarn'] })),
    ).toBeNull();
  });

  it('judges context rules by the outcome of episodes that used the tools in order', () => {
    const ctx = rule(makeEpisode({ n: 1, ...npmFix }), 'ctx|web|debugging|ts');
    const failed = makeEpisode({ n: 2, ...npmFix, outcome: failure() });
    expect(voteOnHeuristic(ctx, failed)).toMatchObject({ agree: 1, disagree: 1 });
    expect(voteOnHeuristic(ctx, makeEpisode({ n: 2, ...npmFix, context: { language: 'py' } }))).toBeNull();
    expect(voteOnHeuristic(ctx, makeEpisode({ n: 2, ...npmFix, steps: ['edit', 'lint', 'npm'] }))).toBeNull();
  });
});

describe('mergeHeuristics', () => {
  const template = rule(makeEpisode(npmFix), 'chk|lint|passed');
  const heuristicArb: fc.Arbitrary<Heuristic> = fc
    .record({
      agree: fc.nat(20),
      disagree: fc.nat(20),
      ids: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 5 }),
      created: fc.nat(1_000_000),
      span: fc.nat(1_000_000),
      domain: fc.constantFrom('web', 'cli'),
    })
    .map((r) => ({
      ...template,
      agree: r.agree,
      disagree: r.disagree,
      evidence: r.ids.map((n) => makeEpisode({ n }).id).sort(),
      createdAt: isoAt(r.created),
      updatedAt: isoAt(r.created + r.span),
      domain: r.domain,
    }));

  it('adds votes and recomputes confidence', () => {
    const merged = mergeHeuristics(
      { ...template, agree: 3, disagree: 1 },
      { ...template, agree: 1, disagree: 2 },
    );
    expect(merged).toMatchObject({ agree: 4, disagree: 3, confidence: 5 / 9 });
    expect(merged.evidence).toEqual(template.evidence);
  });

  it('is commutative and associative', () => {
    fc.assert(
      fc.property(heuristicArb, heuristicArb, heuristicArb, (a, b, c) => {
        expect(mergeHeuristics(a, b)).toEqual(mergeHeuristics(b, a));
        expect(mergeHeuristics(mergeHeuristics(a, b), c)).toEqual(mergeHeuristics(a, mergeHeuristics(b, c)));
      }),
    );
  });
});
