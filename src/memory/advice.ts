import { PlaybookInputSchema, type PlaybookRequest, parseInput } from '../core/index.js';
import { buildPlaybook, type Playbook, type PlaybookSettings } from '../learning/index.js';
import type { CachedRetriever } from './cached-retriever.js';

/** What a playbook is built from. */
export interface AdviceDeps {
  retriever: CachedRetriever;
  settings: PlaybookSettings;
}

/**
 * Ordered steps, pitfalls and a confidence for a task, from the best matching episodes (with their steps): the
 * first `neighbours`, and further successful ones down the ranking while fewer than `minSuccesses` succeeded.
 */
export async function playbookFor(deps: AdviceDeps, input: PlaybookRequest): Promise<Playbook> {
  const request = parseInput(PlaybookInputSchema, input, 'playbook');
  const { neighbours, minSuccesses } = deps.settings;
  const found = await deps.retriever.retrieve(
    { task: request.task, context: request.context, limit: minSuccesses > 0 ? neighbours * 3 : neighbours },
    true,
  );
  const first = found.episodes.slice(0, neighbours);
  let successes = first.filter((e) => e.episode.outcome?.status === 'success').length;
  const more = found.episodes.slice(neighbours).filter((e) => {
    if (successes >= minSuccesses || e.episode.outcome?.status !== 'success') return false;
    successes++;
    return true;
  });
  const chosen = [...first, ...more];
  return buildPlaybook({
    task: request.task,
    context: {
      domain: request.context.domain ?? 'general',
      complexity: 'moderate',
      tags: request.context.tags ?? [],
      ...(request.context.language ? { language: request.context.language } : {}),
      ...(request.context.framework ? { framework: request.context.framework } : {}),
    },
    episodes: chosen.map(({ episode, score, signals }) => ({
      episode,
      score,
      effectiveness: signals.effectiveness,
    })),
    patterns: found.patterns.map((p) => p.pattern),
    heuristics: found.heuristics.map((h) => h.heuristic),
    model: found.toolModel,
    maxSteps: request.maxSteps,
    settings: deps.settings,
  });
}
