import { PlaybookInputSchema, type PlaybookRequest, parseInput } from '../core/index.js';
import { buildPlaybook, type Playbook, type PlaybookSettings } from '../learning/index.js';
import type { CachedRetriever } from './cached-retriever.js';

/** What a playbook is built from. */
export interface AdviceDeps {
  retriever: CachedRetriever;
  settings: PlaybookSettings;
}

/** Ordered steps, pitfalls and a confidence for a task, from the ten best matching episodes (with their steps). */
export async function playbookFor(deps: AdviceDeps, input: PlaybookRequest): Promise<Playbook> {
  const request = parseInput(PlaybookInputSchema, input, 'playbook');
  const found = await deps.retriever.retrieve(
    { task: request.task, context: request.context, limit: 10 },
    true,
  );
  return buildPlaybook({
    task: request.task,
    context: {
      domain: request.context.domain ?? 'general',
      complexity: 'moderate',
      tags: request.context.tags ?? [],
      ...(request.context.language ? { language: request.context.language } : {}),
      ...(request.context.framework ? { framework: request.context.framework } : {}),
    },
    episodes: found.episodes.map(({ episode, score, signals }) => ({
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
