import type { z } from 'zod';
import {
  type FeedbackInput,
  MemoryError,
  type OutcomeInput,
  type PlaybookRequest,
  type StartEpisodeInput,
  type StepInput,
  type StepResult,
} from '../core/index.js';
import type {
  completeEpisodeArgs,
  logStepArgs,
  recommendPlaybookArgs,
  recordFeedbackArgs,
  startEpisodeArgs,
} from './schemas.js';

/** The faces' snake_case arguments as the facade takes them: written once for MCP and HTTP. */

type Args<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

export function startEpisodeInput(args: Args<typeof startEpisodeArgs>): StartEpisodeInput {
  return {
    task: args.task,
    ...(args.task_type ? { taskType: args.task_type } : {}),
    context: {
      ...(args.domain ? { domain: args.domain } : {}),
      ...(args.language ? { language: args.language } : {}),
      ...(args.framework ? { framework: args.framework } : {}),
      ...(args.complexity ? { complexity: args.complexity } : {}),
    },
    ...(args.tags ? { tags: args.tags } : {}),
  };
}

/** One of output (it succeeded), error (it failed) or timeout (it timed out); INVALID_INPUT for two of them. */
export function stepInput(args: Omit<Args<typeof logStepArgs>, 'episode_id'>): StepInput {
  const given = [args.output !== undefined, args.error !== undefined, args.timeout === true];
  if (given.filter(Boolean).length > 1)
    throw new MemoryError(
      'INVALID_INPUT',
      'give output (the step succeeded), error (it failed) or timeout: true (it timed out), only one',
    );
  const result: StepResult =
    args.timeout === true
      ? { status: 'timeout' }
      : args.error !== undefined
        ? { status: 'error', message: args.error }
        : { status: 'success', ...(args.output === undefined ? {} : { output: args.output }) };
  return {
    tool: args.tool,
    action: args.action,
    result,
    ...(args.params ? { params: args.params } : {}),
    ...(args.latency_ms === undefined ? {} : { latencyMs: args.latency_ms }),
    ...(args.tokens === undefined ? {} : { tokens: args.tokens }),
  };
}

/** `verdict` and `reason` each fill whichever field the outcome has, so neither is lost (as in the CLI). */
export function outcomeInput(args: Omit<Args<typeof completeEpisodeArgs>, 'episode_id'>): OutcomeInput {
  const text = (first?: string, second?: string) =>
    [first, second].filter((s) => s !== undefined).join(' — ');
  switch (args.outcome) {
    case 'success':
    case 'partial':
      return { status: args.outcome, verdict: text(args.verdict, args.reason) };
    case 'failure':
    case 'abstained':
      return { status: args.outcome, reason: text(args.reason, args.verdict) };
  }
}

export function feedbackInput(args: Args<typeof recordFeedbackArgs>): FeedbackInput {
  return {
    patternIds: args.pattern_ids,
    success: args.success,
    ...(args.episode_id ? { episodeId: args.episode_id } : {}),
    ...(args.note ? { note: args.note } : {}),
  };
}

export function playbookInput(args: Args<typeof recommendPlaybookArgs>): PlaybookRequest {
  return { task: args.task, context: args.domain ? { domain: args.domain } : {}, maxSteps: args.max_steps };
}
