import type { Pattern } from '../../core/index.js';
import { compareText, type EndedEpisode } from '../episode-utils.js';
import { observe } from './observation.js';

/** The sorted context features of an episode: `domain:`, `language:`, `framework:`, `complexity:`. */
export function contextFeatures(episode: EndedEpisode): string[] {
  const { domain, language, framework, complexity } = episode.context;
  const features = [`domain:${domain}`, `complexity:${complexity}`];
  if (language !== undefined) features.push(`language:${language}`);
  if (framework !== undefined) features.push(`framework:${framework}`);
  return features.sort(compareText);
}

/** One observation per episode: which context and task type led to which outcome. */
export function extractContextPattern(episode: EndedEpisode): Pattern {
  const features = contextFeatures(episode);
  const outcome = episode.outcome.status;
  const key = `context_pattern|${features.join(',')}|${episode.taskType}|${outcome}`;
  const data = { type: 'context_pattern' as const, features, taskType: episode.taskType, outcome };
  return observe(episode, key, data, episode.steps);
}
