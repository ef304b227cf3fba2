import { z } from 'zod';
import { OUTCOME_STATUSES, TaskTypeSchema } from './episode.js';

export const PATTERN_TYPES = [
  'tool_sequence',
  'decision_point',
  'error_recovery',
  'context_pattern',
] as const;
export const PatternTypeSchema = z.enum(PATTERN_TYPES);
export type PatternType = z.infer<typeof PatternTypeSchema>;

/** The context a pattern was seen in; every field is what all its evidence shares at first sight. */
export const PatternContextSchema = z.object({
  domain: z.string(),
  taskType: TaskTypeSchema,
  language: z.string().optional(),
  framework: z.string().optional(),
  tags: z.array(z.string()),
});
export type PatternContext = z.infer<typeof PatternContextSchema>;

const ToolStepSchema = z.object({ tool: z.string(), action: z.string() });
export type ToolStep = z.infer<typeof ToolStepSchema>;

export const PatternDataSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tool_sequence'), steps: z.array(ToolStepSchema).min(1) }),
  z.object({
    type: z.literal('decision_point'),
    check: ToolStepSchema,
    /** What the check step returned: the branch this pattern describes. */
    branch: z.enum(['passed', 'failed']),
    next: z.array(ToolStepSchema),
  }),
  z.object({
    type: z.literal('error_recovery'),
    failed: ToolStepSchema,
    errorClass: z.string(),
    recovery: z.array(ToolStepSchema).min(1),
  }),
  z.object({
    type: z.literal('context_pattern'),
    features: z.array(z.string()),
    taskType: TaskTypeSchema,
    outcome: z.enum(OUTCOME_STATUSES),
  }),
]);
export type PatternData = z.infer<typeof PatternDataSchema>;

export const PatternSchema = z.object({
  id: z.string(),
  /** Canonical signature: the same key seen again merges into this pattern. */
  key: z.string(),
  type: PatternTypeSchema,
  description: z.string(),
  context: PatternContextSchema,
  data: PatternDataSchema,
  occurrences: z.number().int().min(1),
  successCount: z.number().int().min(0),
  successRate: z.number().min(0).max(1),
  totalLatencyMs: z.number().min(0),
  avgLatencyMs: z.number().min(0),
  /** Most recent evidence episodes (time-ordered ids), capped. */
  evidence: z.array(z.string()),
  /**
   * How well it worked for agents that applied it: `(helped + 1) / (applied + 2)` once there is feedback,
   * neutral 0.5 until then.
   */
  effectiveness: z.number().min(0).max(1),
  /** Times agents reported applying it, and how many of those tasks then succeeded (0 in rows from before). */
  feedbackApplied: z.number().int().min(0).default(0),
  feedbackHelped: z.number().int().min(0).default(0),
  firstSeen: z.iso.datetime({ offset: true }),
  lastSeen: z.iso.datetime({ offset: true }),
});
export type Pattern = z.infer<typeof PatternSchema>;

/**
 * What a view shows beside a pattern's description: how often it was seen and how often that went well. The
 * description itself leaves the counts out, so that the indexed and embedded text stays the same.
 *
 * @example
 * patternCounts({ occurrences: 3, successRate: 2 / 3 }); // 'seen 3×, 67% success'
 */
export function patternCounts(pattern: Pick<Pattern, 'occurrences' | 'successRate'>): string {
  return `seen ${pattern.occurrences}×, ${Math.round(pattern.successRate * 100)}% success`;
}

/** Earlier versions ended a description with its counts; such a row keeps them until its next sighting. */
const STORED_COUNTS = /\s*\(seen [^)]*\)\s*$/;

/**
 * A pattern's description for a person: as stored, without the counts an older version may have ended it
 * with (a view shows the current ones, `patternCounts`).
 *
 * @example
 * patternDescription({ description: 'Sequence read → edit in web (seen 3×, 67% success)' }); // 'Sequence read → edit in web'
 */
export function patternDescription(pattern: Pick<Pattern, 'description'>): string {
  return pattern.description.replace(STORED_COUNTS, '');
}

export const HeuristicConditionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('context'),
    domain: z.string(),
    taskType: TaskTypeSchema,
    language: z.string().optional(),
  }),
  z.object({ kind: z.literal('tool_error'), tool: z.string(), errorClass: z.string() }),
  z.object({ kind: z.literal('check_result'), tool: z.string(), branch: z.enum(['passed', 'failed']) }),
]);
export type HeuristicCondition = z.infer<typeof HeuristicConditionSchema>;

export const HeuristicSchema = z.object({
  id: z.string(),
  key: z.string(),
  /** Lookup key of the condition, so a completing episode finds the rules it can vote on. */
  trigger: z.string(),
  condition: HeuristicConditionSchema,
  /** What to do, as tools in order, and the same in words. */
  actionTools: z.array(z.string()).min(1),
  conditionText: z.string(),
  actionText: z.string(),
  agree: z.number().int().min(0),
  disagree: z.number().int().min(0),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),
  domain: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Heuristic = z.infer<typeof HeuristicSchema>;
