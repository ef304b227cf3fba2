import {
  contentId,
  type Pattern,
  type PatternContext,
  type PatternData,
  type Step,
} from '../../core/index.js';
import { type EndedEpisode, memoizeText, sumLatency } from '../episode-utils.js';

/** The context a pattern records for an episode. */
export function patternContext(episode: EndedEpisode): PatternContext {
  const { domain, language, framework, tags } = episode.context;
  return {
    domain,
    taskType: episode.taskType,
    ...(language === undefined ? {} : { language }),
    ...(framework === undefined ? {} : { framework }),
    tags: [...tags],
  };
}

// A hash per observation; the same keys come back episode after episode.
const patternId = memoizeText((key) => contentId('pat', key));

/** One sighting of a pattern in one episode: occurrences 1, evidence this episode, neutral effectiveness. */
export function observe(
  episode: EndedEpisode,
  key: string,
  data: PatternData,
  involved: readonly Step[],
): Pattern {
  const success = episode.outcome.status === 'success' ? 1 : 0;
  const latency = sumLatency(involved);
  const context = patternContext(episode);
  return {
    id: patternId(key),
    key,
    type: data.type,
    description: describePattern(data, context),
    context,
    data,
    occurrences: 1,
    successCount: success,
    successRate: success,
    totalLatencyMs: latency,
    avgLatencyMs: latency,
    evidence: [episode.id],
    effectiveness: 0.5,
    feedbackApplied: 0,
    feedbackHelped: 0,
    firstSeen: episode.endedAt,
    lastSeen: episode.endedAt,
  };
}

const arrow = (steps: ReadonlyArray<{ tool: string }>): string => steps.map((s) => s.tool).join(' → ');

/**
 * A readable sentence for a pattern: what it is, from its data and context, never its counts. It is the text
 * that is indexed and embedded, so it stays the same as sightings add up (views show the counts beside it, see
 * `patternCounts`); a new sighting re-indexes a pattern only when a merge changes what it is.
 */
export function describePattern(data: PatternData, context: PatternContext): string {
  switch (data.type) {
    case 'tool_sequence':
      return `Sequence ${arrow(data.steps)} in ${context.domain}`;
    case 'decision_point':
      return `After ${data.check.tool} ${data.branch} in ${context.domain}, continue with ${arrow(data.next)}`;
    case 'error_recovery':
      return `When ${data.failed.tool} fails with ${data.errorClass} in ${context.domain}, recover with ${arrow(data.recovery)}`;
    case 'context_pattern':
      return `${data.taskType} tasks with ${data.features.join(', ')} ended ${data.outcome}`;
  }
}
