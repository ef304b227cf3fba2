import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPLEXITIES, type Outcome } from '../../src/core/index.js';
import { DEFAULT_REWARD_WEIGHTS, type EndedEpisode, scoreEpisode } from '../../src/learning/index.js';
import {
  abstained,
  fail,
  failure,
  makeEpisode,
  partial,
  type StepSpec,
  success,
  timeout,
} from './fixtures.js';

describe('scoreEpisode', () => {
  it('scores an episode without steps by its outcome alone', () => {
    const reward = scoreEpisode(makeEpisode({ steps: [] }));
    expect(reward.total).toBe(1);
    expect(reward.efficiency).toBe(1);
    expect(reward.errorRate).toBe(0);
    expect(reward.recovery).toBe(0);
  });

  it('gives nothing to a failure where every step failed', () => {
    const reward = scoreEpisode(
      makeEpisode({ steps: [fail('npm'), fail('npm'), timeout('bash')], outcome: failure() }),
    );
    expect(reward.total).toBe(0);
    expect(reward.base).toBe(0);
    expect(reward.errorRate).toBe(1);
    expect(reward.recovery).toBe(0);
  });

  it('orders outcomes: success > partial > abstained > failure', () => {
    const score = (outcome: Outcome) => scoreEpisode(makeEpisode({ steps: ['read', 'edit'], outcome })).total;
    expect(score(success())).toBeGreaterThan(score(partial(['a'], ['b'])));
    expect(score(partial(['a'], ['b']))).toBeGreaterThan(score(abstained()));
    expect(score(abstained())).toBeGreaterThan(score(failure()));
    expect(scoreEpisode(makeEpisode({ outcome: abstained() })).base).toBe(0.2);
  });

  it('scales a partial outcome by the share of completed items', () => {
    const base = (outcome: Outcome) => scoreEpisode(makeEpisode({ outcome })).base;
    expect(base(partial(['a', 'b', 'c'], ['d']))).toBe(0.625);
    expect(base(partial([], []))).toBe(0.5);
    expect(base(partial([], ['x']))).toBe(0.25);
  });

  it('penalises more steps and more time than the budget', () => {
    const tenSteps = Array.from({ length: 10 }, (_, i) => `tool${i}`);
    const overSteps = scoreEpisode(makeEpisode({ steps: tenSteps }));
    expect(overSteps.efficiency).toBeCloseTo(Math.SQRT1_2, 4);
    expect(overSteps.total).toBe(0.9121);
    const overTime = scoreEpisode(makeEpisode({ steps: ['read'], durationMs: 240_000 }));
    expect(overTime.efficiency).toBe(0.5);
    expect(overTime.total).toBe(0.85);
  });

  it('rewards recovering from an error over the same error left unrecovered', () => {
    const recovered = scoreEpisode(makeEpisode({ steps: [fail('npm'), 'npm'] }));
    const unrecovered = scoreEpisode(makeEpisode({ steps: ['npm', fail('npm')] }));
    expect(recovered.errorRate).toBe(unrecovered.errorRate);
    expect(recovered.recovery).toBe(1);
    expect(unrecovered.recovery).toBe(0);
    expect(recovered.total).toBeGreaterThan(unrecovered.total);
  });

  it('counts a different later success as recovery only when the outcome is good', () => {
    const steps = [fail('npm'), 'yarn'];
    expect(scoreEpisode(makeEpisode({ steps })).recovery).toBe(1);
    expect(scoreEpisode(makeEpisode({ steps, outcome: failure() })).recovery).toBe(0);
    // The same tool appears again and fails: not recovered, even if another tool succeeded.
    expect(scoreEpisode(makeEpisode({ steps: [fail('npm'), 'yarn', fail('npm')] })).recovery).toBe(0);
  });

  it('gives no recovery credit for a fix the failed episode shows did not work', () => {
    const deploy = [fail('deploy', 'ImagePullBackOff'), 'edit', fail('deploy', 'ImagePullBackOff')];
    expect(scoreEpisode(makeEpisode({ steps: deploy, outcome: failure() })).recovery).toBe(0);
    // A retry that failed the same way is not recovered; the one after it is.
    expect(scoreEpisode(makeEpisode({ steps: [fail('npm'), fail('npm'), 'npm'] })).recovery).toBe(0.5);
    // The failure was about deploy: the earlier npm recovery still counts, the deploy error does not.
    const unrelated = [fail('npm', 'AssertionError'), 'edit', 'npm', fail('deploy', 'EACCES')];
    const reward = scoreEpisode(makeEpisode({ steps: unrelated, outcome: failure('deploy was rejected') }));
    expect(reward.recovery).toBe(0.5);
  });

  it('multiplies by complexity and clamps to 1', () => {
    const at = (complexity: 'simple' | 'moderate' | 'complex', outcome: Outcome) =>
      scoreEpisode(makeEpisode({ steps: ['read'], context: { complexity }, outcome }));
    expect(at('simple', partial()).total).toBe(0.5);
    expect(at('complex', partial()).total).toBe(0.55);
    expect(at('complex', partial()).complexityMultiplier).toBe(1.1);
    expect(at('complex', success()).total).toBe(1);
  });

  it('is deterministic and guards odd weights', () => {
    const episode = makeEpisode({ steps: [fail('npm'), 'npm', 'bash'], durationMs: 90_000 });
    expect(scoreEpisode(episode)).toEqual(scoreEpisode(structuredClone(episode)));
    const odd = { ...DEFAULT_REWARD_WEIGHTS, efficiencyWeight: Number.NaN, errorPenalty: 7 };
    const reward = scoreEpisode(episode, odd);
    expect(Number.isFinite(reward.total)).toBe(true);
    expect(reward.total).toBeGreaterThanOrEqual(0);
  });

  const stepArb: fc.Arbitrary<StepSpec> = fc.record({
    tool: fc.constantFrom('read', 'edit', 'npm', 'bash'),
    status: fc.constantFrom('success', 'error', 'timeout'),
    latencyMs: fc.nat(100_000),
  });
  const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
    fc.constant(success()),
    fc
      .tuple(fc.array(fc.string(), { maxLength: 4 }), fc.array(fc.string(), { maxLength: 4 }))
      .map(([c, f]) => partial(c, f)),
    fc.constant(failure()),
    fc.constant(abstained()),
  );
  const episodeArb: fc.Arbitrary<EndedEpisode> = fc
    .record({
      steps: fc.array(stepArb, { maxLength: 40 }),
      outcome: outcomeArb,
      durationMs: fc.integer({ min: -10_000, max: 10_000_000 }),
      complexity: fc.constantFrom(...COMPLEXITIES),
    })
    .map(({ complexity, ...rest }) => makeEpisode({ ...rest, context: { complexity } }));

  it('keeps the total and every component in range for any episode', () => {
    fc.assert(
      fc.property(episodeArb, (episode) => {
        const r = scoreEpisode(episode);
        for (const value of [r.total, r.base, r.efficiency, r.errorRate, r.recovery]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
        expect(r.complexityMultiplier).toBeGreaterThanOrEqual(1);
        expect(r).toEqual(scoreEpisode(episode));
      }),
    );
  });
});
