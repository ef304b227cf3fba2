import {
  type CompletedEpisode,
  contentId,
  DEFAULT_NAMESPACE,
  type ExistingLearning,
  type Heuristic,
  type LearningPlan,
  type LearningResult,
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
  /**
   * The namespace the episode belongs to. Pattern and heuristic ids are derived from it with their key (the
   * default namespace keeps the plain key), so the same pattern learned in two namespaces is two rows.
   */
  namespace?: string;
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
  const scope = options.namespace ?? DEFAULT_NAMESPACE;
  const observations = mergeAll(extractPatterns(episode)).map((p) => scoped(p, 'pat', scope));
  const candidates = deriveHeuristics(episode, observations).map((h) => scoped(h, 'heu', scope));
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
 * The rules this episode changes. A rule's votes come from episodes after the one that proposed it:
 *
 * - A candidate (this episode's proposal) with no stored rule of its key is stored as it is: agree 0,
 *   disagree 0, this episode its origin in `evidence`.
 * - A stored rule with a candidate's key absorbs the candidate. Another episode proposed it first, so this
 *   one is a later episode that applied the rule: it votes (`voteOnHeuristic`; it agrees, since it proposes
 *   only what worked for it) and the merge adds no votes of its own, only the fields `mergeHeuristics` joins.
 * - Any other stored rule whose trigger the episode matches gets its vote, if the action was applied.
 * - A stored rule that already lists the episode in `evidence` (its origin or an earlier vote) is left alone,
 *   so a replay does not vote twice.
 *
 * Which episode is the origin depends on the order episodes are learned in. Episodes that all propose a rule
 * give the same counts in any order (one origin, n - 1 agreeing votes); an episode learned before anyone
 * proposed the rule has nothing to vote on yet, so beyond that the counts follow the order of learning.
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
      changed.set(h.key, mergeHeuristics(voteOnHeuristic(h, episode) ?? h, candidate));
      pending.delete(h.key);
    } else if (triggers.has(h.trigger)) {
      const voted = voteOnHeuristic(h, episode);
      if (voted) changed.set(h.key, voted);
    }
  }
  for (const [key, h] of pending) changed.set(key, h);
  return [...changed.values()].sort((a, b) => compareText(a.key, b.key));
}

/** The row's id in its namespace: the plain content id in the default one, else derived from both. */
function scoped<T extends { id: string; key: string }>(item: T, prefix: 'pat' | 'heu', namespace: string): T {
  return namespace === DEFAULT_NAMESPACE
    ? item
    : { ...item, id: contentId(prefix, `${namespace}\u0000${item.key}`) };
}
