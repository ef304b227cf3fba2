import type {
  CompletedEpisode,
  ExistingLearning,
  Heuristic,
  LearningPlan,
  LearningResult,
} from '../core/index.js';
import { compareText, type EndedEpisode } from './episode-utils.js';
import { deriveHeuristics, heuristicTriggers, mergeHeuristics, voteOnHeuristic } from './heuristics.js';
import { extractPatterns } from './patterns/extract.js';
import { mergeAll, mergePatterns } from './patterns/merge.js';
import { reflectOnEpisode } from './reflection.js';
import { DEFAULT_REWARD_WEIGHTS, type RewardWeights, scoreEpisode } from './reward.js';
import { summarizeEpisode } from './summary.js';
import { toolEvidenceOf } from './tool-model.js';

export interface LearningOptions {
  rewardWeights?: RewardWeights;
}

const sortedUnique = (ids: Iterable<string>): string[] => [...new Set(ids)].sort(compareText);

/**
 * Everything learned from one finished episode, as a plan the store runs inside its completion transaction:
 * read the patterns with `patternKeys` and the heuristics with `heuristicTriggers`, call `finish` with them
 * and write what it returns. Pure: the same episode and the same existing rows give the same result.
 *
 * @example
 * const plan = planLearning(episode);
 * const existing = { patterns: await findPatterns(plan.patternKeys), heuristics: await findRules(plan.heuristicTriggers) };
 * const { episode: completed, patterns, heuristics } = plan.finish(existing);
 */
export function planLearning(episode: EndedEpisode, options: LearningOptions = {}): LearningPlan {
  const weights = options.rewardWeights ?? DEFAULT_REWARD_WEIGHTS;
  const reward = scoreEpisode(episode, weights);
  const reflection = reflectOnEpisode(episode, reward, weights);
  const summary = summarizeEpisode(episode);
  const observations = mergeAll(extractPatterns(episode));
  const candidates = deriveHeuristics(episode, observations);
  const triggers = heuristicTriggers(episode);

  function finish(existing: ExistingLearning): LearningResult {
    const stored = new Map(existing.patterns.map((p) => [p.key, p]));
    const patterns = observations.map((obs) => {
      const before = stored.get(obs.key);
      // A replay of an episode already counted must not count it again.
      if (before?.evidence.includes(episode.id)) return before;
      return before ? mergePatterns(before, obs) : obs;
    });
    const heuristics = learnHeuristics(episode, candidates, new Set(triggers), existing.heuristics);
    const completed: CompletedEpisode = {
      ...episode,
      reward,
      reflection,
      summary,
      patternIds: sortedUnique(patterns.map((p) => p.id)),
      heuristicIds: sortedUnique(heuristics.map((h) => h.id)),
    };
    return { episode: completed, patterns, heuristics, toolEvidence: toolEvidenceOf(episode) };
  }

  return { patternKeys: observations.map((p) => p.key), heuristicTriggers: triggers, finish };
}

/**
 * The rules this episode changes: a stored rule with a candidate's key absorbs the candidate (that merge is
 * the episode's vote); any other stored rule it triggers gets a vote; the remaining candidates are new.
 * A stored rule that already lists the episode as evidence is left alone, so a replay does not vote twice.
 */
function learnHeuristics(
  episode: EndedEpisode,
  candidates: readonly Heuristic[],
  triggers: ReadonlySet<string>,
  stored: readonly Heuristic[],
): Heuristic[] {
  const pending = new Map(candidates.map((h) => [h.key, h]));
  const changed = new Map<string, Heuristic>();
  for (const h of stored) {
    if (changed.has(h.key) || h.evidence.includes(episode.id)) {
      pending.delete(h.key);
      continue;
    }
    const candidate = pending.get(h.key);
    if (candidate) {
      changed.set(h.key, mergeHeuristics(h, candidate));
      pending.delete(h.key);
    } else if (triggers.has(h.trigger)) {
      const voted = voteOnHeuristic(h, episode);
      if (voted) changed.set(h.key, voted);
    }
  }
  for (const [key, h] of pending) changed.set(key, h);
  return [...changed.values()].sort((a, b) => compareText(a.key, b.key));
}
