import type { Pattern, Step, ToolStep } from '../../core/index.js';
import { type EndedEpisode, generalizeAction, groupRepeats, isSuccessStep } from '../episode-utils.js';
import { observe } from './observation.js';

/** Longest sequence kept; longer runs keep their first tools. */
export const MAX_SEQUENCE_LENGTH = 8;

/** Maximal runs of consecutive successful steps; an error or timeout ends a run. */
function successfulRuns(steps: readonly Step[]): Step[][] {
  const runs: Step[][] = [];
  let current: Step[] = [];
  for (const step of steps) {
    if (isSuccessStep(step)) {
      current.push(step);
    } else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function sequenceOf(groups: readonly Step[][], episode: EndedEpisode): Pattern {
  const steps: ToolStep[] = [];
  for (const group of groups) {
    const first = group[0];
    if (first) steps.push({ tool: first.tool, action: generalizeAction(first.action) });
  }
  const key = `tool_sequence|${episode.context.domain}|${steps.map((s) => s.tool).join('>')}`;
  return observe(episode, key, { type: 'tool_sequence', steps }, groups.flat());
}

/**
 * Tool sequences of a successful or partial episode: each run of successful steps with consecutive repeats
 * of a tool collapsed, kept when it has 2 to 8 tools (longer runs: the first 8). An episode whose
 * successful steps all use one tool yields that one-tool sequence instead.
 */
export function extractToolSequences(episode: EndedEpisode): Pattern[] {
  const status = episode.outcome.status;
  if (status !== 'success' && status !== 'partial') return [];
  const out: Pattern[] = [];
  for (const run of successfulRuns(episode.steps)) {
    const groups = groupRepeats(run);
    if (groups.length >= 2) out.push(sequenceOf(groups.slice(0, MAX_SEQUENCE_LENGTH), episode));
  }
  if (out.length > 0) return out;
  const successful = episode.steps.filter(isSuccessStep);
  const tools = new Set(successful.map((s) => s.tool));
  return tools.size === 1 ? [sequenceOf([successful], episode)] : [];
}
