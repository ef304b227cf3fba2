import { PlaybookInputSchema, type PlaybookRequest, parseInput } from '../core/index.js';
import {
  buildPlaybook,
  type Calibration,
  calibrate,
  type Playbook,
  type PlaybookSettings,
} from '../learning/index.js';
import type { RetrievalResult, RetrievedEpisode } from '../retrieval/index.js';
import type { CachedRetriever } from './cached-retriever.js';

/** What a playbook is built from. */
export interface AdviceDeps {
  retriever: CachedRetriever;
}

/** A parsed playbook request. */
export type ParsedPlaybookRequest = ReturnType<typeof parsePlaybookRequest>;

export function parsePlaybookRequest(input: PlaybookRequest) {
  return parseInput(PlaybookInputSchema, input, 'playbook');
}

/**
 * Ordered steps, pitfalls and a confidence for a task, from the best matching episodes (with their steps), with
 * the settings the namespace's tuning chose where the options say nothing.
 */
export async function playbookFor(deps: AdviceDeps, input: PlaybookRequest): Promise<Playbook> {
  const request = parsePlaybookRequest(input);
  const { playbook: settings, calibration } = await deps.retriever.effective();
  const found = await deps.retriever.retrieve(
    { task: request.task, context: request.context, limit: neighboursToRetrieve(settings) },
    true,
  );
  return planFrom(request, found, settings, calibration);
}

/** How many episodes a playbook asks retrieval for: more when it looks further for successful ones. */
export function neighboursToRetrieve(settings: PlaybookSettings): number {
  return settings.minSuccesses > 0 ? settings.neighbours * 3 : settings.neighbours;
}

/**
 * The episodes a playbook weighs: the first `neighbours`, and further successful ones down the ranking while
 * fewer than `minSuccesses` succeeded (failed runs outnumber successes in many memories).
 */
export function chooseNeighbours(
  episodes: readonly RetrievedEpisode[],
  settings: PlaybookSettings,
): RetrievedEpisode[] {
  const first = episodes.slice(0, settings.neighbours);
  let successes = first.filter((e) => e.episode.outcome?.status === 'success').length;
  const more = episodes.slice(settings.neighbours).filter((e) => {
    if (successes >= settings.minSuccesses || e.episode.outcome?.status !== 'success') return false;
    successes++;
    return true;
  });
  return [...first, ...more];
}

/** The playbook of a retrieval, its confidence mapped by the calibration when there is one. */
export function planFrom(
  request: ParsedPlaybookRequest,
  found: RetrievalResult,
  settings: PlaybookSettings,
  calibration: Calibration | undefined,
): Playbook {
  const playbook = buildPlaybook({
    task: request.task,
    context: {
      domain: request.context.domain ?? 'general',
      complexity: 'moderate',
      tags: request.context.tags ?? [],
      ...(request.context.language ? { language: request.context.language } : {}),
      ...(request.context.framework ? { framework: request.context.framework } : {}),
    },
    episodes: chooseNeighbours(found.episodes, settings).map(({ episode, score, signals }) => ({
      episode,
      score,
      effectiveness: signals.effectiveness,
    })),
    patterns: found.patterns.map((p) => p.pattern),
    heuristics: found.heuristics.map((h) => h.heuristic),
    model: found.toolModel,
    maxSteps: request.maxSteps,
    settings,
  });
  if (!calibration || playbook.steps.length === 0) return playbook;
  return { ...playbook, confidence: Math.round(calibrate(calibration, playbook.confidence) * 1000) / 1000 };
}
