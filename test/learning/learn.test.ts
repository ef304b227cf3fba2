import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpisodeSchema, type Heuristic, type Pattern } from '../../src/core/index.js';
import { type EndedEpisode, planLearning } from '../../src/learning/index.js';
import { type EpisodeSpec, fail, failure, makeEpisode } from './fixtures.js';

/** The part of a store that learning touches: rows by key, read by the plan's keys and triggers. */
function memoryStore() {
  const patterns = new Map<string, Pattern>();
  const heuristics = new Map<string, Heuristic>();
  return {
    patterns,
    heuristics,
    complete(episode: EndedEpisode) {
      const plan = planLearning(episode);
      const keys = new Set(plan.patternKeys);
      const triggers = new Set(plan.heuristicTriggers);
      const result = plan.finish({
        patterns: [...patterns.values()].filter((p) => keys.has(p.key)),
        heuristics: [...heuristics.values()].filter((h) => triggers.has(h.trigger)),
      });
      for (const p of result.patterns) patterns.set(p.key, p);
      for (const h of result.heuristics) heuristics.set(h.key, h);
      return result;
    },
  };
}

const spec: EpisodeSpec = {
  steps: [fail('npm', 'ETIMEDOUT'), 'npm', 'lint', 'edit'],
  context: { language: 'ts' },
};

describe('planLearning', () => {
  it('completes the episode with reward, reflection, summary and the ids it touched', () => {
    const { episode, patterns, heuristics } = memoryStore().complete(makeEpisode(spec));
    expect(EpisodeSchema.parse(episode)).toEqual(episode);
    expect(episode.reward.total).toBeGreaterThan(0.9);
    expect(episode.summary.text).toContain('Outcome: success');
    expect(episode.patternIds).toEqual(patterns.map((p) => p.id).sort());
    expect(episode.heuristicIds).toEqual(heuristics.map((h) => h.id).sort());
  });

  it('asks for the keys and triggers of the episode', () => {
    const plan = planLearning(makeEpisode(spec));
    expect(plan.patternKeys).toContain('tool_sequence|web|npm>lint>edit');
    expect(plan.patternKeys).toContain('error_recovery|web|npm|ETIMEDOUT|npm');
    expect(new Set(plan.patternKeys).size).toBe(plan.patternKeys.length);
    expect(plan.heuristicTriggers).toContain('err|npm|ETIMEDOUT');
  });

  it('merges a second identical episode into the same rows', () => {
    const store = memoryStore();
    const first = store.complete(makeEpisode({ n: 1, ...spec }));
    const second = store.complete(makeEpisode({ n: 2, ...spec }));
    expect(second.patterns.map((p) => p.key)).toEqual(first.patterns.map((p) => p.key));
    expect(second.patterns.every((p) => p.occurrences === 2 && p.evidence.length === 2)).toBe(true);
    expect(second.episode.patternIds).toEqual(first.episode.patternIds);
    expect(store.patterns.size).toBe(first.patterns.length);
  });

  it('merges a candidate into its stored rule once, and votes on other triggered rules', () => {
    const store = memoryStore();
    store.complete(makeEpisode({ n: 1, ...spec }));
    // Same error, different recovery: the stored npm rule gets a vote (npm was run again and worked), the
    // new recovery a new rule with no votes.
    const result = store.complete(makeEpisode({ n: 2, steps: [fail('npm', 'ETIMEDOUT'), 'yarn', 'npm'] }));
    const byKey = new Map(result.heuristics.map((h) => [h.key, h]));
    expect(byKey.get('err|npm|ETIMEDOUT=>npm')).toMatchObject({ agree: 1, disagree: 0 });
    expect(byKey.get('err|npm|ETIMEDOUT=>yarn>npm')).toMatchObject({ agree: 0, disagree: 0 });
    // The check rule was not triggered (no lint step): untouched and not returned.
    expect(byKey.has('chk|lint|passed=>edit')).toBe(false);
    expect(store.heuristics.get('chk|lint|passed=>edit')?.evidence).toHaveLength(1);
  });

  it('counts a second episode proposing the same rule as a vote, and a replay not at all', () => {
    const store = memoryStore();
    store.complete(makeEpisode({ n: 1, ...spec }));
    const again = store.complete(makeEpisode({ n: 2, ...spec }));
    const npm = again.heuristics.find((h) => h.key === 'err|npm|ETIMEDOUT=>npm');
    expect(npm).toMatchObject({ agree: 1, disagree: 0, confidence: 2 / 3 });
    const replay = store.complete(makeEpisode({ n: 2, ...spec }));
    expect(replay.patterns.every((p) => p.occurrences === 2)).toBe(true);
    expect(replay.heuristics).toEqual([]);
  });
});

const npmTest = (result: 'pass' | 'fail') =>
  result === 'pass'
    ? { tool: 'npm', action: 'npm test' }
    : fail('npm', 'AssertionError: expected 200, got 401', { action: 'npm test' });
const realFix: EpisodeSpec = { steps: [npmTest('fail'), 'edit', npmTest('pass')] };
const deploy: EpisodeSpec = {
  steps: [fail('deploy', 'ImagePullBackOff'), 'edit', fail('deploy', 'ImagePullBackOff')],
  outcome: failure('pods never started'),
};

describe('planLearning: learning from outcomes', () => {
  it('learns no fix from a deploy that failed again after the edit', () => {
    const { episode, patterns, heuristics } = memoryStore().complete(makeEpisode(deploy));
    expect(patterns.filter((p) => p.type === 'error_recovery')).toEqual([]);
    expect(episode.reflection.successes.filter((s) => s.startsWith('Recovered'))).toEqual([]);
    const advisesEdit = heuristics.filter(
      (h) => h.condition.kind === 'tool_error' && h.actionTools.includes('edit') && h.agree > 0,
    );
    expect(advisesEdit).toEqual([]);
    expect(episode.reflection.improvements).toContain(
      'deploy failed with imagepullbackoff; edit did not fix it',
    );
  });

  it('still learns a real recovery: npm test fails, edit, npm test passes', () => {
    const { episode, patterns, heuristics } = memoryStore().complete(makeEpisode(realFix));
    expect(patterns.map((p) => p.key)).toContain('error_recovery|web|npm|AssertionError|edit>npm');
    expect(episode.reflection.successes).toContain('Recovered from npm AssertionError by edit → npm');
    expect(episode.reward.recovery).toBe(1);
    const rule = heuristics.find((h) => h.key === 'err|npm|AssertionError=>edit>npm');
    expect(rule).toMatchObject({ agree: 0, disagree: 0, confidence: 0.5, evidence: [episode.id] });
  });

  it('lets later episodes vote on a rule: a second success agrees, a failed fix disagrees', () => {
    const store = memoryStore();
    const key = 'err|npm|AssertionError=>edit>npm';
    store.complete(makeEpisode({ n: 1, ...realFix }));
    store.complete(makeEpisode({ n: 2, ...realFix }));
    expect(store.heuristics.get(key)).toMatchObject({ agree: 1, disagree: 0 });
    const failedFix = { steps: [npmTest('fail'), 'edit', npmTest('fail')], outcome: failure() };
    store.complete(makeEpisode({ n: 3, ...failedFix }));
    expect(store.heuristics.get(key)).toMatchObject({ agree: 1, disagree: 1, confidence: 0.5 });
    expect(store.complete(makeEpisode({ n: 3, ...failedFix })).heuristics).toEqual([]);
  });

  it('keeps a recovery when the episode failed for another reason', () => {
    const steps = [npmTest('fail'), 'edit', npmTest('pass'), fail('deploy', 'EACCES')];
    const { episode, patterns } = memoryStore().complete(
      makeEpisode({ steps, outcome: failure('deploy was rejected') }),
    );
    expect(patterns.map((p) => p.key)).toContain('error_recovery|web|npm|AssertionError|edit>npm');
    expect(episode.reflection.successes).toContain('Recovered from npm AssertionError by edit → npm');
    expect(episode.reward.recovery).toBe(0.5);
  });

  it('gives episodes that all propose a rule the same counts in any order', () => {
    const ns = [1, 2, 3, 4, 5];
    fc.assert(
      fc.property(fc.shuffledSubarray(ns, { minLength: ns.length }), (order) => {
        const store = memoryStore();
        for (const n of [...order, ...order]) store.complete(makeEpisode({ n, ...realFix }));
        const rule = store.heuristics.get('err|npm|AssertionError=>edit>npm');
        // One origin, four votes; the replays in the second round change nothing.
        expect(rule).toMatchObject({ agree: 4, disagree: 0 });
        expect(rule?.evidence).toEqual(ns.map((n) => makeEpisode({ n }).id));
      }),
    );
  });
});
