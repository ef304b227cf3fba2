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
import { abstained, type EpisodeSpec, fail, failure, isoAt, makeEpisode, partial } from './fixtures.js';

const derive = (episode: EndedEpisode) => deriveHeuristics(episode, extractPatterns(episode));
const npmFix: EpisodeSpec = {
  context: { language: 'ts' },
  steps: [fail('npm', 'ETIMEDOUT fetching'), 'npm', 'lint', 'edit'],
};

function rule(episode: EndedEpisode, trigger: string): Heuristic {
  const found = derive(episode).find((h) => h.trigger.startsWith(trigger));
  if (!found) throw new Error(`no rule for ${trigger}`);
  return found;
}

describe('deriveHeuristics', () => {
  it('proposes recoveries and the checks of a successful episode as rules with no votes yet', () => {
    const episode = makeEpisode(npmFix);
    const rules = derive(episode);
    // No context rule ("in web debugging run npm, lint, edit"): two counts cannot say the tools helped.
    expect(rules.map((h) => h.key)).toEqual(['chk|lint|passed=>edit', 'err|npm|ETIMEDOUT=>npm']);
    expect(rules[1]).toMatchObject({ conditionText: 'When npm fails with ETIMEDOUT', actionText: 'Run npm' });
    expect(rules[1]?.id).toBe(contentId('heu', 'err|npm|ETIMEDOUT=>npm'));
    // The episode that made a rule up is its origin, not a vote for it.
    expect(rules.every((h) => h.agree === 0 && h.disagree === 0 && h.confidence === 0.5)).toBe(true);
    expect(rules.every((h) => h.evidence.length === 1 && h.evidence[0] === episode.id)).toBe(true);
  });

  it('proposes nothing from a failed episode: no check to copy, no fix that did not work', () => {
    expect(derive(makeEpisode({ steps: ['lint', 'edit'], outcome: failure() }))).toEqual([]);
    const deploy = [fail('deploy', 'ImagePullBackOff'), 'edit', fail('deploy', 'ImagePullBackOff')];
    expect(derive(makeEpisode({ steps: deploy, outcome: failure() }))).toEqual([]);
    expect(
      derive(makeEpisode({ steps: [fail('deploy', 'ImagePullBackOff'), 'edit'], outcome: failure() })),
    ).toEqual([]);
  });

  it('lists every trigger an episode matches', () => {
    const triggers = heuristicTriggers(makeEpisode(npmFix));
    expect(triggers).toEqual(['chk|lint|passed', 'err|npm|ETIMEDOUT']);
  });
});

describe('voteOnHeuristic', () => {
  const base = rule(makeEpisode({ n: 1, ...npmFix }), 'err|npm|ETIMEDOUT');

  it('raises confidence with each later agreeing episode', () => {
    const second = voteOnHeuristic(base, makeEpisode({ n: 2, ...npmFix }));
    const third = second && voteOnHeuristic(second, makeEpisode({ n: 3, ...npmFix }));
    expect(second).toMatchObject({ agree: 1, disagree: 0, confidence: 2 / 3 });
    expect(third?.confidence).toBe(0.75);
    expect(third?.evidence).toHaveLength(3);
    expect(third?.updatedAt).toBe(makeEpisode({ n: 3 }).endedAt);
  });

  it('disagrees when the retry failed the same way, even in an episode that ended well', () => {
    const retryFailed = makeEpisode({ n: 2, steps: [fail('npm', 'ETIMEDOUT'), fail('npm', 'ETIMEDOUT')] });
    expect(voteOnHeuristic(base, retryFailed)).toMatchObject({ agree: 0, disagree: 1, confidence: 1 / 3 });
    // The first retry failed, the second worked: the rule still got past the error.
    const thirdTime = makeEpisode({
      n: 2,
      steps: [fail('npm', 'ETIMEDOUT'), fail('npm', 'ETIMEDOUT'), 'npm'],
    });
    expect(voteOnHeuristic(base, thirdTime)).toMatchObject({ agree: 1, disagree: 0 });
  });

  it('disagrees with a fix that a failed episode shows did not work', () => {
    const edit = rule(
      makeEpisode({ n: 1, steps: [fail('deploy', 'ImagePullBackOff'), 'edit'] }),
      'err|deploy',
    );
    expect(edit).toMatchObject({ key: 'err|deploy|imagepullbackoff=>edit', agree: 0, disagree: 0 });
    const steps = [fail('deploy', 'ImagePullBackOff'), 'edit', fail('deploy', 'ImagePullBackOff')];
    const voted = voteOnHeuristic(edit, makeEpisode({ n: 2, steps, outcome: failure() }));
    expect(voted).toMatchObject({ agree: 0, disagree: 1 });
    expect(voted && voted.confidence < 0.5).toBe(true);
  });

  it('returns null when the condition does not hold or the action was not applied', () => {
    expect(voteOnHeuristic(base, makeEpisode({ n: 2, steps: ['npm', 'lint'] }))).toBeNull();
    expect(voteOnHeuristic(base, makeEpisode({ n: 2, steps: [fail('npm', 'EPERM'), 'npm'] }))).toBeNull();
    expect(
      voteOnHeuristic(base, makeEpisode({ n: 2, steps: ['npm', fail('npm', 'ETIMEDOUT'), 'yarn'] })),
    ).toBeNull();
  });

  it('judges check rules by success or failure; partial and abstained do not vote', () => {
    const chk = rule(makeEpisode({ n: 1, ...npmFix }), 'chk|lint|passed');
    expect(voteOnHeuristic(chk, makeEpisode({ n: 2, ...npmFix, outcome: failure() }))).toMatchObject({
      agree: 0,
      disagree: 1,
    });
    expect(voteOnHeuristic(chk, makeEpisode({ n: 2, ...npmFix, outcome: partial() }))).toBeNull();
    expect(voteOnHeuristic(chk, makeEpisode({ n: 2, ...npmFix, outcome: abstained() }))).toBeNull();
  });

  it('no longer votes on a stored context rule', () => {
    const condition = { kind: 'context' as const, domain: 'web', taskType: 'debugging' as const };
    const ctx: Heuristic = {
      ...base,
      key: 'ctx|web|debugging|*=>npm',
      trigger: 'ctx|web|debugging|*',
      condition,
    };
    expect(voteOnHeuristic(ctx, makeEpisode({ n: 2, ...npmFix }))).toBeNull();
    expect(voteOnHeuristic(ctx, makeEpisode({ n: 2, ...npmFix, outcome: failure() }))).toBeNull();
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

  it('adds no votes when it absorbs a fresh candidate, only its origin', () => {
    const later = rule(makeEpisode({ n: 7, ...npmFix }), 'chk|lint|passed');
    const merged = mergeHeuristics({ ...template, agree: 2, disagree: 1 }, later);
    expect(merged).toMatchObject({ agree: 2, disagree: 1, confidence: 0.6 });
    expect(merged.evidence).toEqual([...template.evidence, ...later.evidence]);
    expect(merged.createdAt).toBe(template.createdAt);
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
