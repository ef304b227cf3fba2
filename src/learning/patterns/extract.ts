import type { Pattern } from '../../core/index.js';
import type { EndedEpisode } from '../episode-utils.js';
import { extractContextPattern } from './context-pattern.js';
import { extractDecisionPoints } from './decision-point.js';
import { extractErrorRecoveries } from './error-recovery.js';
import { extractToolSequences } from './tool-sequence.js';

/**
 * Every pattern observation in a finished episode: tool sequences, decision points, error recoveries and its
 * context pattern. Each has occurrences 1; the same key may appear more than once (use `mergeAll`).
 *
 * @example
 * const observations = extractPatterns(episode);
 * observations.map((p) => p.key); // ['tool_sequence|web|read>edit>test', 'context_pattern|...', ...]
 */
export function extractPatterns(episode: EndedEpisode): Pattern[] {
  return [
    ...extractToolSequences(episode),
    ...extractDecisionPoints(episode),
    ...extractErrorRecoveries(episode),
    extractContextPattern(episode),
  ];
}
