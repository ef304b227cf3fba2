import type { Pattern, Step } from '../../core/index.js';
import { type EndedEpisode, generalizeAction, isSuccessStep } from '../episode-utils.js';
import { stepErrorClass } from '../error-class.js';
import { observe } from './observation.js';

const RECOVERY_WINDOW = 3;

/** A failed step and the steps that got past it. */
export interface Recovery {
  index: number;
  failed: Step;
  errorClass: string;
  recovery: Step[];
}

/**
 * For each error or timeout: the following steps up to and including the first success of the same tool
 * within the next 3 steps, else up to the first success of any tool within them; none when neither exists.
 */
export function findRecoveries(steps: readonly Step[]): Recovery[] {
  const out: Recovery[] = [];
  steps.forEach((failed, index) => {
    if (isSuccessStep(failed)) return;
    const window = steps.slice(index + 1, index + 1 + RECOVERY_WINDOW);
    let end = window.findIndex((s) => s.tool === failed.tool && isSuccessStep(s));
    if (end < 0) end = window.findIndex(isSuccessStep);
    if (end < 0) return;
    out.push({ index, failed, errorClass: stepErrorClass(failed), recovery: window.slice(0, end + 1) });
  });
  return out;
}

/** One error_recovery observation per failed step that was recovered from. */
export function extractErrorRecoveries(episode: EndedEpisode): Pattern[] {
  return findRecoveries(episode.steps).map(({ failed, errorClass, recovery }) => {
    const tools = recovery.map((s) => s.tool).join('>');
    const key = `error_recovery|${episode.context.domain}|${failed.tool}|${errorClass}|${tools}`;
    const data = {
      type: 'error_recovery' as const,
      failed: { tool: failed.tool, action: generalizeAction(failed.action) },
      errorClass,
      recovery: recovery.map((s) => ({ tool: s.tool, action: generalizeAction(s.action) })),
    };
    return observe(episode, key, data, [failed, ...recovery]);
  });
}
