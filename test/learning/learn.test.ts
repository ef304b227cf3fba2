import { describe, expect, it } from 'vitest';
import { EpisodeSchema, type Heuristic, type Pattern } from '../../src/core/index.js';
import { type EndedEpisode, planLearning } from '../../src/learning/index.js';
import { type EpisodeSpec, fail, makeEpisode } from './fixtures.js';

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
    // Same error, different recovery: the stored npm rule gets a vote, the new recovery a new rule.
    const result = store.complete(makeEpisode({ n: 2, steps: [fail('npm', 'ETIMEDOUT'), 'yarn', 'npm'] }));
    const byKey = new Map(result.heuristics.map((h) => [h.key, h]));
    expect(byKey.get('err|npm|ETIMEDOUT=>npm')).toMatchObject({ agree: 2, disagree: 0 });
    expect(byKey.get('err|npm|ETIMEDOUT=>yarn>npm')).toMatchObject({ agree: 1, disagree: 0 });
    // The check rule was not triggered (no lint step): untouched and not returned.
    expect(byKey.has('chk|lint|passed=>edit')).toBe(false);
    expect(store.heuristics.get('chk|lint|passed=>edit')?.agree).toBe(1);
  });

  it('counts an episode once when its own rule is already stored', () => {
    const store = memoryStore();
    store.complete(makeEpisode({ n: 1, ...spec }));
    const again = store.complete(makeEpisode({ n: 2, ...spec }));
    const npm = again.heuristics.find((h) => h.key === 'err|npm|ETIMEDOUT=>npm');
    expect(npm).toMatchObject({ agree: 2, disagree: 0, confidence: 0.75 });
    const replay = store.complete(makeEpisode({ n: 2, ...spec }));
    expect(replay.patterns.every((p) => p.occurrences === 2)).toBe(true);
    expect(replay.heuristics).toEqual([]);
  });
});
