import { z } from 'zod';
import {
  type Episode,
  LatencySchema,
  type Outcome,
  OutcomeSchema,
  type Step,
  type StepResult,
  TaskContextSchema,
  TaskTypeSchema,
  TokensSchema,
} from './episode.js';

/**
 * One line of `slmem import` / `slmem export`: a whole episode in a form people write by hand.
 *
 * Export carries, for each completed episode: id, task, task type, context, tags, metadata, every step (tool,
 * action, params, output or error or timeout, latency, tokens, time, metadata), the outcome and the start and
 * end times. Import recomputes the rest (reward, reflection, summary, patterns, heuristics, tool counts).
 * Export → import → export gives the same lines, but the store is not copied whole: episodes in progress,
 * checkpoints, links, feedback (and the pattern effectiveness it moved), vectors and the embedding cache are
 * not exported. `slmem backup` / `memory.backup()` copies all of them.
 *
 * A record without `id` gets one derived from its content on import (`recordContentId`), so the same record
 * imported twice is stored once.
 */
export const EpisodeRecordSchema = z.object({
  id: z
    .string()
    .regex(
      /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
      'id must be a UUID',
    )
    .transform((s) => s.toLowerCase())
    .optional(),
  task: z.string().trim().min(1, 'task must not be empty'),
  taskType: TaskTypeSchema.optional(),
  context: TaskContextSchema.optional(),
  tags: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  steps: z
    .array(
      z.object({
        tool: z.string().trim().min(1, 'tool must not be empty'),
        action: z.string().default(''),
        params: z.record(z.string(), z.unknown()).optional(),
        output: z.string().optional(),
        error: z.string().optional(),
        timeout: z.boolean().optional(),
        success: z.boolean().optional(),
        latencyMs: LatencySchema.optional(),
        tokens: TokensSchema.optional(),
        at: z.iso.datetime({ offset: true }).optional(),
        metadata: z.record(z.string(), z.string()).optional(),
      }),
    )
    .default([]),
  outcome: OutcomeSchema,
  startedAt: z.iso.datetime({ offset: true }).optional(),
  endedAt: z.iso.datetime({ offset: true }).optional(),
});
export type EpisodeRecord = z.input<typeof EpisodeRecordSchema>;
export type ParsedEpisodeRecord = z.output<typeof EpisodeRecordSchema>;
type RecordStep = ParsedEpisodeRecord['steps'][number];

function stepResult(step: RecordStep): StepResult {
  if (step.error !== undefined) return { status: 'error', message: step.error };
  if (step.timeout === true) return { status: 'timeout' };
  if (step.success === false) return { status: 'error', message: 'failed' };
  return step.output === undefined ? { status: 'success' } : { status: 'success', output: step.output };
}

/** Turns a parsed record into the steps of an episode; times default to the start plus the latencies so far. */
export function recordSteps(record: ParsedEpisodeRecord, startedAtMs: number): Omit<Step, 'seq'>[] {
  let elapsed = 0;
  return record.steps.map((s) => {
    const at = s.at ?? new Date(startedAtMs + elapsed).toISOString();
    elapsed += s.latencyMs ?? 0;
    return {
      at,
      tool: s.tool,
      action: s.action,
      params: s.params ?? {},
      result: stepResult(s),
      latencyMs: s.latencyMs ?? 0,
      ...(s.tokens === undefined ? {} : { tokens: s.tokens }),
      metadata: s.metadata ?? {},
    };
  });
}

/** The record of a completed episode, written by `slmem export`; computed learning is left out (import recomputes it). */
export function episodeToRecord(episode: Episode & { outcome: Outcome }): EpisodeRecord {
  return {
    id: episode.id,
    task: episode.task,
    taskType: episode.taskType,
    context: episode.context,
    tags: episode.tags,
    metadata: episode.metadata,
    steps: episode.steps.map((s) => ({
      tool: s.tool,
      action: s.action,
      params: s.params,
      ...(s.result.status === 'success' && s.result.output !== undefined ? { output: s.result.output } : {}),
      ...(s.result.status === 'error' ? { error: s.result.message } : {}),
      ...(s.result.status === 'timeout' ? { timeout: true } : {}),
      latencyMs: s.latencyMs,
      ...(s.tokens === undefined ? {} : { tokens: s.tokens }),
      at: s.at,
      metadata: s.metadata,
    })),
    outcome: episode.outcome,
    startedAt: episode.startedAt,
    ...(episode.endedAt ? { endedAt: episode.endedAt } : {}),
  };
}
