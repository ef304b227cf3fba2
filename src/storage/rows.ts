import { z } from 'zod';
import {
  ComplexitySchema,
  type Episode,
  type Feedback,
  type Heuristic,
  HeuristicSchema,
  MemoryError,
  OutcomeSchema,
  type Pattern,
  PatternSchema,
  ReflectionSchema,
  RewardSchema,
  type Step,
  type StepResult,
  SummarySchema,
  TaskTypeSchema,
} from '../core/index.js';
import type { CandidateFacts } from './storage.js';

/** A row of `episodes` as the driver returns it. */
export interface EpisodeRow {
  rid: number;
  id: string;
  task: string;
  task_type: string;
  domain: string;
  language: string | null;
  framework: string | null;
  complexity: string;
  context_tags: string;
  tags: string;
  metadata: string;
  started_at: number;
  ended_at: number | null;
  outcome: string | null;
  reward: string | null;
  reflection: string | null;
  summary: string | null;
  pattern_ids: string;
  heuristic_ids: string;
}

export interface StepRow {
  seq: number;
  at: number;
  tool: string;
  action: string;
  params: string;
  status: string;
  output: string | null;
  latency_ms: number;
  tokens: number | null;
  metadata: string;
}

const StringArray = z.array(z.string());
const StringMap = z.record(z.string(), z.string());
const JsonObject = z.record(z.string(), z.unknown());

/** Parses a JSON column read back from the database; a bad value is a STORAGE_ERROR naming the column. */
function column<S extends z.ZodType>(schema: S, text: string, name: string): z.output<S> {
  try {
    return schema.parse(JSON.parse(text));
  } catch (cause) {
    throw new MemoryError('STORAGE_ERROR', `stored column ${name} is corrupt`, {
      cause,
      details: { column: name },
    });
  }
}

function optionalColumn<S extends z.ZodType>(
  schema: S,
  text: string | null,
  name: string,
): z.output<S> | undefined {
  return text === null ? undefined : column(schema, text, name);
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function rowToStep(row: StepRow): Step {
  let result: StepResult;
  if (row.status === 'error') result = { status: 'error', message: row.output ?? '' };
  else if (row.status === 'timeout') result = { status: 'timeout' };
  else result = row.output === null ? { status: 'success' } : { status: 'success', output: row.output };
  return {
    seq: row.seq,
    at: iso(row.at),
    tool: row.tool,
    action: row.action,
    params: column(JsonObject, row.params, 'steps.params'),
    result,
    latencyMs: row.latency_ms,
    ...(row.tokens === null ? {} : { tokens: row.tokens }),
    metadata: column(StringMap, row.metadata, 'steps.metadata'),
  };
}

/** Values for `INSERT INTO steps`, in column order after `episode_rid`. */
export function stepValues(step: Step): unknown[] {
  const { result } = step;
  const output =
    result.status === 'success' ? (result.output ?? null) : result.status === 'error' ? result.message : null;
  return [
    step.seq,
    Date.parse(step.at),
    step.tool,
    step.action,
    JSON.stringify(step.params),
    result.status,
    output,
    step.latencyMs,
    step.tokens ?? null,
    JSON.stringify(step.metadata),
  ];
}

export function rowToEpisode(row: EpisodeRow, steps: Step[]): Episode {
  const outcome = optionalColumn(OutcomeSchema, row.outcome, 'episodes.outcome');
  const reward = optionalColumn(RewardSchema, row.reward, 'episodes.reward');
  const reflection = optionalColumn(ReflectionSchema, row.reflection, 'episodes.reflection');
  const summary = optionalColumn(SummarySchema, row.summary, 'episodes.summary');
  return {
    id: row.id,
    task: row.task,
    taskType: column(TaskTypeSchema, JSON.stringify(row.task_type), 'episodes.task_type'),
    context: {
      domain: row.domain,
      ...(row.language === null ? {} : { language: row.language }),
      ...(row.framework === null ? {} : { framework: row.framework }),
      complexity: column(ComplexitySchema, JSON.stringify(row.complexity), 'episodes.complexity'),
      tags: column(StringArray, row.context_tags, 'episodes.context_tags'),
    },
    tags: column(StringArray, row.tags, 'episodes.tags'),
    metadata: column(StringMap, row.metadata, 'episodes.metadata'),
    startedAt: iso(row.started_at),
    ...(row.ended_at === null ? {} : { endedAt: iso(row.ended_at) }),
    steps,
    ...(outcome ? { outcome } : {}),
    ...(reward ? { reward } : {}),
    ...(reflection ? { reflection } : {}),
    ...(summary ? { summary } : {}),
    patternIds: column(StringArray, row.pattern_ids, 'episodes.pattern_ids'),
    heuristicIds: column(StringArray, row.heuristic_ids, 'episodes.heuristic_ids'),
  };
}

export function rowToPattern(body: string): Pattern {
  return column(PatternSchema, body, 'patterns.body');
}

export function rowToHeuristic(body: string): Heuristic {
  return column(HeuristicSchema, body, 'heuristics.body');
}

let corruptRowsSkipped = 0;
const warnedColumns = new Set<string>();

/** How many corrupt rows this process skipped in queries that return many rows. */
export function skippedCorruptRows(): number {
  return corruptRowsSkipped;
}

/**
 * Maps each row, skipping any whose stored JSON no longer parses: one corrupt row then degrades one result
 * instead of failing every query that meets it. Each corrupt column is reported once per process as a warning.
 * Other errors still throw.
 */
export function parseRows<R, T>(rows: readonly R[], parse: (row: R) => T): T[] {
  const out: T[] = [];
  for (const row of rows) {
    try {
      out.push(parse(row));
    } catch (error) {
      if (!(error instanceof MemoryError) || error.code !== 'STORAGE_ERROR') throw error;
      corruptRowsSkipped++;
      const name = String(error.details?.column ?? 'unknown');
      if (!warnedColumns.has(name)) {
        warnedColumns.add(name);
        process.emitWarning(`skipped a row whose stored column ${name} is corrupt`, {
          code: 'SLMEM_CORRUPT_ROW',
        });
      }
    }
  }
  return out;
}

/** The text the full-text index holds for a completed episode, one entry per FTS column. */
export function ftsDocument(episode: Episode): [string, string, string, string] {
  const summary = episode.summary ? `${episode.summary.text} ${episode.summary.keyConcepts.join(' ')}` : '';
  const tools = episode.steps.map((s) => `${s.tool} ${s.action}`).join(' ');
  const r = episode.reflection;
  const reflection = r ? [...r.successes, ...r.improvements, ...r.insights].join(' ') : '';
  return [episode.task, summary, tools, reflection];
}

/** A row of `feedback` as either backend returns it (`success` 0/1 in SQLite, a boolean in PostgreSQL). */
export interface FeedbackRow {
  id: string;
  episode_id: string | null;
  pattern_ids: string;
  playbook_steps: string;
  success: number | boolean;
  note: string | null;
  at: number;
}

const PlaybookSteps = z.array(z.object({ tool: z.string() }));

export function rowToFeedback(row: FeedbackRow): Feedback {
  return {
    id: row.id,
    ...(row.episode_id === null ? {} : { episodeId: row.episode_id }),
    patternIds: column(StringArray, row.pattern_ids, 'feedback.pattern_ids'),
    playbookSteps: column(PlaybookSteps, row.playbook_steps, 'feedback.playbook_steps'),
    success: row.success === true || row.success === 1,
    ...(row.note === null ? {} : { note: row.note }),
    at: new Date(Number(row.at)).toISOString(),
  };
}

/** The columns ranking reads of a candidate, as either backend returns them. */
export interface FactsRow {
  id: string;
  domain: string;
  language: string | null;
  framework: string | null;
  /** JSON arrays of strings, as stored. */
  contextTags: string;
  tags: string;
  reward: number | null;
  /** ms since the epoch (PostgreSQL's bigint may come back as text). */
  at: number | string;
  effectiveness: number | null;
}

/**
 * A candidate's facts from its row. Rows of this store are trusted: arrays are read with `JSON.parse`, not
 * validated field by field (a corrupt one reads as empty: ranking is no place to fail a query).
 */
export function rowToFacts(row: FactsRow, withEffectiveness: boolean): CandidateFacts {
  return {
    id: row.id,
    domain: row.domain,
    ...(row.language === null ? {} : { language: row.language }),
    ...(row.framework === null ? {} : { framework: row.framework }),
    contextTags: trustedStrings(row.contextTags),
    tags: trustedStrings(row.tags),
    reward: row.reward,
    at: Number(row.at),
    ...(withEffectiveness ? { patternEffectiveness: row.effectiveness } : {}),
  };
}

/** A JSON array of strings this store wrote; anything else reads as empty. */
export function trustedStrings(json: string | null): string[] {
  if (json === null) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : [];
  } catch {
    return [];
  }
}
