import { type Outcome, type Pattern, type Step, tokenize } from '../../core/index.js';
import { type EndedEpisode, generalizeAction, isSuccessStep } from '../episode-utils.js';
import { classifyError, stepErrorClass } from '../error-class.js';
import { observe } from './observation.js';

/** Most steps a recovery keeps: the ones that led into the success. */
export const RECOVERY_WINDOW = 3;

/** A failed step and the steps that got past it. */
export interface Recovery {
  index: number;
  failed: Step;
  errorClass: string;
  recovery: Step[];
}

/**
 * The steps that got past the failed step at `index`, ending with the success that proves it (at most the
 * last 3 of them); null when the episode did not get past it. This is the one place that decides what a
 * recovery is: error_recovery patterns, the reflection, the reward and the heuristics all ask it.
 *
 * - The failed tool is run again: the window ends with its next success. Not recovered when it never
 *   succeeds again, when it failed again with the same error class before that success (a retry that
 *   failed: that later failure is the one recovered from, if any), or when its last attempt in the episode
 *   failed with the same class (the fix did not hold).
 * - The failed tool is never run again: the first later success of any tool, but only when the outcome is
 *   success or partial: another tool working says nothing about the error in an episode that did not work.
 * - The outcome is failure and the tool's last attempt failed, or the failure reason names the tool or the
 *   error class: nothing was recovered, whatever ran in between.
 *
 * @example
 * // deploy fails, edit, deploy fails again, outcome failure: the edit did not fix it.
 * recoveryAt(steps, 0, { status: 'failure', reason: 'still ImagePullBackOff' }); // null
 */
export function recoveryAt(steps: readonly Step[], index: number, outcome: Outcome): Step[] | null {
  const failed = steps[index];
  if (!failed || isSuccessStep(failed)) return null;
  const errorClass = stepErrorClass(failed);
  const later = steps.slice(index + 1);
  const attempts = [failed, ...later.filter((s) => s.tool === failed.tool)];
  const last = attempts[attempts.length - 1] ?? failed;
  if (outcome.status === 'failure') {
    if (!isSuccessStep(last) || blames(outcome.reason, failed.tool, errorClass)) return null;
  }
  let end: number;
  if (attempts.length > 1) {
    end = later.findIndex((s) => s.tool === failed.tool && isSuccessStep(s));
    if (end < 0) return null;
    const sameError = (s: Step) =>
      s.tool === failed.tool && !isSuccessStep(s) && stepErrorClass(s) === errorClass;
    if (later.slice(0, end).some(sameError) || sameError(last)) return null;
  } else {
    if (outcome.status !== 'success' && outcome.status !== 'partial') return null;
    end = later.findIndex(isSuccessStep);
    if (end < 0) return null;
  }
  return later.slice(Math.max(0, end + 1 - RECOVERY_WINDOW), end + 1);
}

/** True when a failure reason names the tool or the error class, as words or as the same class. */
function blames(reason: string, tool: string, errorClass: string): boolean {
  const words = ` ${tokenize(reason.replace(/_/g, ' ')).join(' ')} `;
  const names = (term: string) => {
    const phrase = tokenize(term.replace(/_/g, ' ')).join(' ');
    return phrase !== '' && words.includes(` ${phrase} `);
  };
  if (names(tool)) return true;
  return errorClass !== 'unknown' && (names(errorClass) || classifyError(reason) === errorClass);
}

/** Every failed step the episode got past (see `recoveryAt`), in step order. */
export function findRecoveries(steps: readonly Step[], outcome: Outcome): Recovery[] {
  const out: Recovery[] = [];
  steps.forEach((failed, index) => {
    const recovery = recoveryAt(steps, index, outcome);
    if (recovery) out.push({ index, failed, errorClass: stepErrorClass(failed), recovery });
  });
  return out;
}

/** One error_recovery observation per failed step that was recovered from. */
export function extractErrorRecoveries(episode: EndedEpisode): Pattern[] {
  return findRecoveries(episode.steps, episode.outcome).map(({ failed, errorClass, recovery }) => {
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
