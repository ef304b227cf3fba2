import type { Checkpoint, Episode, OutcomeStatus, Step } from '../core/index.js';
import { compareIso, cut, isSuccessStep } from './episode-utils.js';
import type { Playbook } from './playbook.js';

/** What another agent needs to pick up an episode: where it stands, what worked, what failed, what next. */
export interface Handoff {
  episodeId: string;
  task: string;
  context: Episode['context'];
  status: 'in_progress' | OutcomeStatus;
  stepsDone: number;
  /** The successful tool sequence, then each recovery from a failed step. */
  whatWorked: string[];
  /** Failed and timed-out steps with their tool and message, each at most 200 characters. */
  whatFailed: string[];
  /** Playbook steps for the task whose tool has not yet succeeded in this episode, at most 5. */
  nextSteps: Array<{ tool: string; action: string; why: string }>;
  lastCheckpoint?: Checkpoint;
  /** Checkpoint notes, newest first, at most 5. */
  notes: string[];
}

export interface HandoffInput {
  /** With its steps loaded. */
  episode: Episode;
  checkpoints: readonly Checkpoint[];
  /** The playbook for the episode's task, when one could be built. */
  playbook?: Pick<Playbook, 'steps'>;
}

const MAX_FAILED = 10;
const MAX_RECOVERIES = 5;
const MAX_NEXT = 5;
const MAX_NOTES = 5;

function describeStep(step: Step): string {
  return step.action.trim() === '' ? step.tool : `${step.tool} (${cut(step.action, 80)})`;
}

function failureOf(step: Step): string | null {
  if (step.result.status === 'error') return cut(`${step.tool}: ${step.result.message}`, 200);
  if (step.result.status === 'timeout') return cut(`${step.tool}: timed out (${step.action})`, 200);
  return null;
}

/** Each run of failed steps that a success ended: "after bash failed (2×), edit (fix expiry) worked". */
function recoveries(steps: readonly Step[]): string[] {
  const out: string[] = [];
  let failed: string[] = [];
  for (const step of steps) {
    if (!isSuccessStep(step)) {
      failed.push(step.tool);
      continue;
    }
    if (failed.length > 0) {
      const times = failed.length > 1 ? ` (${failed.length}×)` : '';
      out.push(`after ${[...new Set(failed)].join(', ')} failed${times}, ${describeStep(step)} worked`);
      failed = [];
    }
  }
  return out.slice(0, MAX_RECOVERIES);
}

/**
 * Builds the handoff of an episode from its steps, checkpoints and the playbook for its task. Pure.
 *
 * @example
 * const handoff = buildHandoff({ episode, checkpoints, playbook });
 * handoff.nextSteps; // [{ tool: 'test', action: 'npm test', why: '…' }]
 */
export function buildHandoff(input: HandoffInput): Handoff {
  const { episode } = input;
  const succeeded = episode.steps.filter(isSuccessStep);
  const sequence = succeeded.map((s) => s.tool).filter((tool, i, all) => all[i - 1] !== tool);
  const whatWorked = [
    ...(sequence.length > 0 ? [`tool sequence: ${sequence.join(' → ')}`] : []),
    ...recoveries(episode.steps),
  ];
  const whatFailed = [...new Set(episode.steps.map(failureOf).filter((f): f is string => f !== null))].slice(
    0,
    MAX_FAILED,
  );
  const done = new Set(succeeded.map((s) => s.tool));
  const nextSteps = (input.playbook?.steps ?? [])
    .filter((s) => !done.has(s.tool))
    .slice(0, MAX_NEXT)
    .map((s) => ({ tool: s.tool, action: s.action, why: s.why }));
  // Newest first; for the same instant the later one in the list is the newer.
  const newestFirst = input.checkpoints
    .map((c, i) => ({ c, i }))
    .sort((a, b) => compareIso(b.c.at, a.c.at) || b.i - a.i)
    .map(({ c }) => c);
  const lastCheckpoint = newestFirst[0];
  return {
    episodeId: episode.id,
    task: episode.task,
    context: episode.context,
    status: episode.outcome?.status ?? 'in_progress',
    stepsDone: episode.steps.length,
    whatWorked,
    whatFailed,
    nextSteps,
    ...(lastCheckpoint ? { lastCheckpoint } : {}),
    notes: newestFirst.slice(0, MAX_NOTES).map((c) => c.note),
  };
}
