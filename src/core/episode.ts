import { z } from 'zod';
import { MAX_TASK_CHARS } from './limits.js';
import { MAX_LATENCY_MS, MAX_TOKENS } from './safe-input.js';

export const TASK_TYPES = [
  'code_generation',
  'debugging',
  'refactoring',
  'testing',
  'analysis',
  'documentation',
  'other',
] as const;
export const TaskTypeSchema = z.enum(TASK_TYPES);
export type TaskType = z.infer<typeof TaskTypeSchema>;

export const COMPLEXITIES = ['simple', 'moderate', 'complex'] as const;
export const ComplexitySchema = z.enum(COMPLEXITIES);
export type Complexity = z.infer<typeof ComplexitySchema>;

const IsoDateSchema = z.iso.datetime({ offset: true });

/*
 * The text fields below are declared once: the facade parses with them, and the faces (MCP tools, HTTP routes
 * and the OpenAPI written from them) reuse them, so no face promises more than the facade takes.
 */
export const DomainSchema = z.string().min(1).max(200);
export const LanguageSchema = z.string().min(1).max(100);
export const FrameworkSchema = z.string().min(1).max(100);
/** A task, or a text to search by: at most the default `maxTaskChars`. */
export const TaskTextSchema = z.string().trim().min(1, 'task must not be empty').max(MAX_TASK_CHARS);
export const ToolNameSchema = z.string().trim().min(1, 'tool must not be empty').max(200);
export const ActionSchema = z.string().max(2_000);
/** The verdict of a success, the reason of a failure. */
export const OutcomeTextSchema = z.string().max(10_000);

export const TaskContextSchema = z.object({
  domain: DomainSchema.default('general'),
  language: LanguageSchema.optional(),
  framework: FrameworkSchema.optional(),
  complexity: ComplexitySchema.default('moderate'),
  tags: z.array(z.string()).default([]),
});
export type TaskContext = z.infer<typeof TaskContextSchema>;
export type TaskContextInput = z.input<typeof TaskContextSchema>;

export const StepResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), output: z.string().optional() }),
  z.object({ status: z.literal('error'), message: z.string() }),
  z.object({ status: z.literal('timeout') }),
]);
export type StepResult = z.infer<typeof StepResultSchema>;

/** Step latency in ms: finite and at most 7 days, so sums over many steps stay finite. */
export const LatencySchema = z
  .number()
  .min(0, 'latencyMs must be 0 or more')
  .max(MAX_LATENCY_MS, `latencyMs must be at most ${MAX_LATENCY_MS} (7 days in milliseconds)`);
/** Tokens one step used: a whole number up to a billion. */
export const TokensSchema = z
  .number()
  .int('tokens must be a whole number')
  .min(0, 'tokens must be 0 or more')
  .max(MAX_TOKENS, `tokens must be at most ${MAX_TOKENS}`);

const JsonObjectSchema = z.record(z.string(), z.unknown());
const StringMapSchema = z.record(z.string(), z.string());

export const StepSchema = z.object({
  seq: z.number().int().min(1),
  at: IsoDateSchema,
  tool: z.string().min(1).max(200),
  action: z.string().max(2_000),
  params: JsonObjectSchema,
  result: StepResultSchema,
  latencyMs: LatencySchema,
  tokens: TokensSchema.optional(),
  metadata: StringMapSchema,
});
export type Step = z.infer<typeof StepSchema>;

/** What a caller gives `logStep`: the store assigns `seq`; `at` defaults to the clock. */
export const StepInputSchema = z.object({
  tool: ToolNameSchema,
  action: ActionSchema.default(''),
  params: JsonObjectSchema.default({}),
  result: StepResultSchema.default({ status: 'success' }),
  latencyMs: LatencySchema.default(0),
  tokens: TokensSchema.optional(),
  metadata: StringMapSchema.default({}),
  at: IsoDateSchema.optional(),
});
export type StepInput = z.input<typeof StepInputSchema>;

export const OutcomeSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    verdict: OutcomeTextSchema.default(''),
    artifacts: z.array(z.string()).default([]),
  }),
  z.object({
    status: z.literal('partial'),
    verdict: OutcomeTextSchema.default(''),
    completed: z.array(z.string()).default([]),
    failed: z.array(z.string()).default([]),
  }),
  z.object({
    status: z.literal('failure'),
    reason: OutcomeTextSchema.default(''),
    details: OutcomeTextSchema.optional(),
  }),
  z.object({
    status: z.literal('abstained'),
    reason: OutcomeTextSchema.default(''),
    infeasibilitySignals: z.array(z.string()).default([]),
  }),
]);
export type Outcome = z.infer<typeof OutcomeSchema>;
export type OutcomeInput = z.input<typeof OutcomeSchema>;
export type OutcomeStatus = Outcome['status'];
export const OUTCOME_STATUSES = ['success', 'partial', 'failure', 'abstained'] as const;

export const RewardSchema = z.object({
  total: z.number().min(0).max(1),
  base: z.number().min(0).max(1),
  efficiency: z.number().min(0).max(1),
  errorRate: z.number().min(0).max(1),
  recovery: z.number().min(0).max(1),
  complexityMultiplier: z.number().min(0),
});
export type Reward = z.infer<typeof RewardSchema>;

export const ReflectionSchema = z.object({
  successes: z.array(z.string()).max(5),
  improvements: z.array(z.string()).max(5),
  insights: z.array(z.string()).max(5),
});
export type Reflection = z.infer<typeof ReflectionSchema>;

export const SummarySchema = z.object({
  text: z.string(),
  keyConcepts: z.array(z.string()),
  keySteps: z.array(z.string()),
});
export type Summary = z.infer<typeof SummarySchema>;

export const EpisodeSchema = z.object({
  id: z.string(),
  task: z.string(),
  taskType: TaskTypeSchema,
  context: TaskContextSchema,
  tags: z.array(z.string()),
  metadata: StringMapSchema,
  startedAt: IsoDateSchema,
  endedAt: IsoDateSchema.optional(),
  steps: z.array(StepSchema),
  outcome: OutcomeSchema.optional(),
  reward: RewardSchema.optional(),
  reflection: ReflectionSchema.optional(),
  summary: SummarySchema.optional(),
  patternIds: z.array(z.string()),
  heuristicIds: z.array(z.string()),
});
export type Episode = z.infer<typeof EpisodeSchema>;

/** An episode that has an outcome and everything completion computes. */
export type CompletedEpisode = Episode & {
  endedAt: string;
  outcome: Outcome;
  reward: Reward;
  reflection: Reflection;
  summary: Summary;
};

export function isCompleted(episode: Episode): episode is CompletedEpisode {
  return episode.outcome !== undefined && episode.endedAt !== undefined && episode.reward !== undefined;
}

export const StartEpisodeInputSchema = z.object({
  task: z.string().trim().min(1, 'task must not be empty'),
  taskType: TaskTypeSchema.default('other'),
  context: TaskContextSchema.default({ domain: 'general', complexity: 'moderate', tags: [] }),
  tags: z.array(z.string()).default([]),
  metadata: StringMapSchema.default({}),
});
export type StartEpisodeInput = z.input<typeof StartEpisodeInputSchema>;
