import {
  type CompletedEpisode,
  type Episode,
  type Heuristic,
  type Learn,
  type LearningPlan,
  MemoryError,
  type Outcome,
  type Pattern,
  type ToolEvidence,
} from '../core/index.js';
import type { ToolCountDelta, WriteTx } from './port.js';
import type { ImportResult } from './storage.js';

type EndedEpisode = Episode & { outcome: Outcome; endedAt: string };

/**
 * Imports a batch inside the caller's transaction with the work done once per batch, not once per episode:
 * every key is locked and read once, learning runs episode after episode over the merged state in memory
 * (each episode sees what the ones before it learned, exactly as when they are imported one by one), and
 * every episode, pattern, heuristic and tool count is written once, in few statements.
 *
 * Records that fail before the store is touched (no outcome, an id already stored or given twice) are
 * reported here; any other failure throws and leaves the batch to the caller.
 */
export async function importBatch(
  tx: WriteTx,
  episodes: readonly Episode[],
  learn: Learn,
): Promise<ImportResult[]> {
  const results: ImportResult[] = new Array(episodes.length);
  const taken = await tx.takenEpisodeIds(episodes.map((e) => e.id));
  const accepted: Array<{ index: number; episode: EndedEpisode }> = [];
  episodes.forEach((episode, index) => {
    const ended = checkImportable(episode);
    if (!ended) {
      results[index] = { ok: false, error: noOutcome(episode) };
    } else if (taken.has(episode.id)) {
      results[index] = { ok: false, error: idTaken(episode.id) };
    } else {
      taken.add(episode.id);
      accepted.push({ index, episode: ended });
    }
  });
  if (accepted.length === 0) return results;

  const plans = accepted.map(({ episode }) => learn(episode));
  const state = await readLearning(tx, plans);
  const done: CompletedEpisode[] = [];
  const evidence: ToolEvidence[] = [];
  accepted.forEach(({ index }, i) => {
    const result = state.learn(plans[i]!);
    done.push(result.episode);
    evidence.push(result.toolEvidence);
    results[index] = { ok: true, episode: result.episode };
  });
  await tx.insertCompletedEpisodes(done);
  await tx.upsertPatterns(state.patterns(), state.previousDescriptions());
  await tx.upsertHeuristics(state.heuristics());
  await tx.addToolCounts(toolCountDeltas(evidence));
  await tx.bumpGeneration();
  return results;
}

/** The episode with its outcome and end time, or undefined when it has none: only finished ones import. */
export function checkImportable(episode: Episode): EndedEpisode | undefined {
  return episode.outcome && episode.endedAt
    ? { ...episode, outcome: episode.outcome, endedAt: episode.endedAt }
    : undefined;
}

export function noOutcome(episode: Episode): MemoryError {
  return new MemoryError(
    'INVALID_INPUT',
    `episode ${episode.id} has no outcome; only finished episodes can be imported`,
  );
}

function idTaken(id: string): MemoryError {
  return new MemoryError('CONFLICT', `episode ${id} already exists`, { details: { episodeId: id } });
}

/**
 * The tool counts that a list of evidence adds, one entry per (domain, feature, tool): every pair counted as
 * often as it occurs, as adding the evidence one by one would.
 */
export function toolCountDeltas(evidence: Iterable<ToolEvidence>): ToolCountDelta[] {
  // Nested maps, not a joined key: ~100 pairs an episode, and a new string for each would cost more than the rest.
  const domains = new Map<string, Map<string, Map<string, ToolCountDelta>>>();
  const all: ToolCountDelta[] = [];
  for (const { domain, features, tools, success } of evidence) {
    let byFeature = domains.get(domain);
    if (!byFeature) {
      byFeature = new Map();
      domains.set(domain, byFeature);
    }
    for (const feature of features) {
      let byTool = byFeature.get(feature);
      if (!byTool) {
        byTool = new Map();
        byFeature.set(feature, byTool);
      }
      for (const tool of tools) {
        let count = byTool.get(tool);
        if (!count) {
          count = { domain, feature, tool, successes: 0, failures: 0 };
          byTool.set(tool, count);
          all.push(count);
        }
        if (success) count.successes++;
        else count.failures++;
      }
    }
  }
  return all;
}

/**
 * Locks and reads what the plans will merge with (sorted keys, one lock call), then keeps it in memory: the
 * patterns by key, the heuristics by key and by trigger, and what changed, in the order it was first written.
 */
async function readLearning(tx: WriteTx, plans: readonly LearningPlan[]) {
  const keys = [...new Set(plans.flatMap((p) => p.patternKeys))];
  const triggers = [...new Set(plans.flatMap((p) => p.heuristicTriggers))];
  await tx.lockKeys([...keys.map((k) => `pattern:${k}`), ...triggers.map((t) => `heuristic:${t}`)]);
  const storedPatterns = await tx.patternsByKeys(keys);
  const storedHeuristics = await tx.heuristicsByTriggers(triggers);

  const patterns = new Map(storedPatterns.map((p) => [p.key, p]));
  const stored = new Map(storedPatterns.map((p) => [p.id, p.description]));
  /** Stored patterns whose description changed at some point of the batch (each change re-indexes). */
  const redescribed = new Set<string>();
  const heuristics = new Map(storedHeuristics.map((h) => [h.key, h]));
  const byTrigger = new Map<string, Set<string>>();
  const index = (h: Heuristic): void => {
    const keysOf = byTrigger.get(h.trigger) ?? new Set<string>();
    keysOf.add(h.key);
    byTrigger.set(h.trigger, keysOf);
  };
  for (const h of storedHeuristics) index(h);
  const writtenPatterns = new Map<string, Pattern>();
  const writtenHeuristics = new Map<string, Heuristic>();

  return {
    learn(plan: LearningPlan) {
      const existing = {
        patterns: [...new Set(plan.patternKeys)].flatMap((k) => patterns.get(k) ?? []),
        heuristics: [...new Set(plan.heuristicTriggers)].flatMap((t) =>
          [...(byTrigger.get(t) ?? [])].map((k) => heuristics.get(k)!),
        ),
      };
      const result = plan.finish(existing);
      for (const p of result.patterns) {
        const before = patterns.get(p.key);
        if (before && before.description !== p.description && stored.has(p.id)) redescribed.add(p.id);
        patterns.set(p.key, p);
        writtenPatterns.set(p.key, p);
      }
      for (const h of result.heuristics) {
        const before = heuristics.get(h.key);
        if (before && before.trigger !== h.trigger) byTrigger.get(before.trigger)?.delete(h.key);
        heuristics.set(h.key, h);
        index(h);
        writtenHeuristics.set(h.key, h);
      }
      return result;
    },
    patterns: (): Pattern[] => [...writtenPatterns.values()],
    heuristics: (): Heuristic[] => [...writtenHeuristics.values()],
    /**
     * What `upsertPatterns` compares with: the description stored before the batch, or, for a pattern whose
     * description changed and changed back, one that differs, so it is re-indexed as one-by-one import did.
     */
    previousDescriptions(): Map<string, string> {
      const previous = new Map<string, string>();
      for (const p of writtenPatterns.values()) {
        const before = stored.get(p.id);
        if (before === undefined) continue;
        previous.set(p.id, redescribed.has(p.id) && before === p.description ? `${before}\u0000` : before);
      }
      return previous;
    },
  };
}
