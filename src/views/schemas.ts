import { z } from 'zod';
import {
  ActionSchema,
  AgentSchema,
  CheckpointNoteSchema,
  COMPLEXITIES,
  DomainSchema,
  FrameworkSchema,
  IdSchema,
  LanguageSchema,
  LINK_TYPES,
  NoteSchema,
  OUTCOME_STATUSES,
  OutcomeTextSchema,
  PATTERN_TYPES,
  TASK_TYPES,
  TagSchema,
  TaskTextSchema,
  ToolNameSchema,
} from '../core/index.js';

/**
 * Argument and result shapes of the MCP tools: zod raw shapes (what `registerTool` takes), snake_case like
 * the CLI flags. They are parsed at the edge; the facade parses its own input again. A limited text field is
 * the core's own schema (`DomainSchema`, `TagSchema`, …), so what a face describes is what the facade takes.
 */

/** Every list a tool returns is capped: 10 unless asked, never more than 100. */
export const LimitSchema = z
  .number()
  .int()
  .min(1)
  .max(100)
  .default(10)
  .describe('how many to return (1-100, default 10)');

export const EpisodeIdSchema = IdSchema.describe('the id start_episode returned');
const TagsSchema = z.array(TagSchema).max(50);

export const TaskTypeArg = z.enum(TASK_TYPES);
export const OutcomeArg = z.enum(OUTCOME_STATUSES);
export const PatternTypeArg = z.enum(PATTERN_TYPES);

/** The task context filters shared by the retrieval tools. */
export const contextArgs = {
  domain: DomainSchema.optional().describe('area of work, e.g. web, retail'),
  language: LanguageSchema.optional().describe('programming language, e.g. typescript'),
  framework: FrameworkSchema.optional().describe('framework, e.g. react'),
  tags: TagsSchema.optional().describe('tags the task carries'),
};

export const startEpisodeArgs = {
  task: TaskTextSchema.describe('what you are asked to do, in one or two sentences'),
  task_type: TaskTypeArg.optional().describe('default other'),
  ...contextArgs,
  complexity: z.enum(COMPLEXITIES).optional().describe('default moderate'),
};

export const logStepArgs = {
  episode_id: EpisodeIdSchema,
  tool: ToolNameSchema.describe('the tool you used, e.g. bash, edit, search'),
  action: ActionSchema.describe('what you did with it, e.g. "npm test"'),
  params: z.record(z.string(), z.unknown()).optional().describe('the tool arguments'),
  output: z.string().optional().describe('what the step produced (it succeeded)'),
  error: z.string().optional().describe('the error it ended with (it failed)'),
  timeout: z.boolean().optional().describe('true when the step timed out (give no output or error)'),
  latency_ms: z.number().min(0).optional().describe('how long it took'),
  tokens: z.number().int().min(0).optional().describe('tokens it used'),
};

export const completeEpisodeArgs = {
  episode_id: EpisodeIdSchema,
  outcome: OutcomeArg.describe('success, partial, failure or abstained (the task was not feasible)'),
  verdict: OutcomeTextSchema.optional().describe('why it counts as a success or partial success'),
  reason: OutcomeTextSchema.optional().describe('why it failed or was abandoned'),
};

export const listEpisodesArgs = {
  domain: DomainSchema.optional(),
  task_type: TaskTypeArg.optional(),
  outcome: OutcomeArg.optional(),
  tags: TagsSchema.optional().describe('only episodes carrying all these tags'),
  limit: LimitSchema,
  offset: z.number().int().min(0).default(0),
};

export const listHeuristicsArgs = {
  domain: DomainSchema.optional().describe('only heuristics of this domain'),
  min_confidence: z.number().min(0).max(1).optional().describe('only those at least this confident (0-1)'),
  limit: LimitSchema,
};

export const HeuristicView = z.object({
  heuristic_id: z.string(),
  condition: z.string(),
  action: z.string(),
  action_tools: z.array(z.string()),
  confidence: z.number(),
  agree: z.number().int(),
  disagree: z.number().int(),
  domain: z.string(),
  evidence_episode_ids: z.array(z.string()),
  updated_at: z.string(),
});

export const retrieveContextArgs = {
  task: TaskTextSchema.describe('the task you are about to start'),
  ...contextArgs,
  limit: LimitSchema,
};

export const searchEpisodesArgs = {
  query: TaskTextSchema.describe('words or a sentence describing what you look for'),
  domain: contextArgs.domain,
  limit: LimitSchema,
};

export const searchPatternsArgs = {
  query: TaskTextSchema.describe('words or a sentence describing the situation'),
  domain: contextArgs.domain,
  type: PatternTypeArg.optional(),
  limit: LimitSchema,
};

export const recommendPlaybookArgs = {
  task: TaskTextSchema.describe('the task you are about to start'),
  domain: contextArgs.domain,
  max_steps: z.number().int().min(1).max(50).default(8).describe('at most this many steps (1-50, default 8)'),
};

export const StepView = z.object({
  seq: z.number().int(),
  at: z.string().describe('when the step was logged (ISO time)'),
  tool: z.string(),
  action: z.string(),
  status: z.enum(['success', 'error', 'timeout']),
  output: z.string().optional(),
  error: z.string().optional(),
  latency_ms: z.number(),
});

export const ReflectionView = z.object({
  successes: z.array(z.string()),
  improvements: z.array(z.string()),
  insights: z.array(z.string()),
});

const EpisodeSummaryShape = {
  episode_id: z.string(),
  task: z.string(),
  task_type: TaskTypeArg,
  domain: z.string(),
  tags: z.array(z.string()),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  outcome: OutcomeArg.nullable(),
  reward: z.number().nullable(),
};
export const EpisodeSummaryView = z.object(EpisodeSummaryShape);

export const EpisodeView = z.object({
  ...EpisodeSummaryShape,
  language: z.string().nullable(),
  framework: z.string().nullable(),
  complexity: z.enum(COMPLEXITIES),
  /** The verdict of a success or partial, the reason of a failure or abstention. */
  outcome_text: z.string().nullable(),
  reflection: ReflectionView.nullable(),
  reward_components: z
    .object({
      base: z.number(),
      efficiency: z.number(),
      error_rate: z.number(),
      recovery: z.number(),
      complexity_multiplier: z.number(),
    })
    .nullable()
    .describe(
      'what the reward (0-1) is made of: base from the outcome, then efficiency, errors and recovery',
    ),
  summary: z.string().nullable(),
  steps: z.array(StepView),
  pattern_ids: z.array(z.string()),
  heuristic_ids: z.array(z.string()),
});

export const FoundEpisodeView = z.object({
  episode_id: z.string(),
  task: z.string(),
  score: z.number(),
  why: z.string(),
  outcome: OutcomeArg.nullable(),
  reward: z.number().nullable(),
});

export const FoundPatternView = z.object({
  pattern_id: z.string(),
  type: PatternTypeArg,
  description: z.string(),
  success_rate: z.number(),
  occurrences: z.number().int(),
  score: z.number(),
});

export const FoundHeuristicView = z.object({
  heuristic_id: z.string(),
  condition: z.string(),
  action: z.string(),
  confidence: z.number(),
  score: z.number(),
});

/** What retrieval found for a task: episodes (failures too: what to avoid), patterns, heuristics. */
export const RetrievalView = z.object({
  episodes: z.array(FoundEpisodeView),
  patterns: z.array(FoundPatternView),
  heuristics: z.array(FoundHeuristicView),
});

export const PatternView = z.object({
  pattern_id: z.string(),
  type: PatternTypeArg,
  description: z.string(),
  domain: z.string(),
  task_type: TaskTypeArg,
  success_rate: z.number(),
  occurrences: z.number().int(),
  effectiveness: z.number(),
  avg_latency_ms: z.number(),
  evidence_episode_ids: z.array(z.string()),
  feedback_applied: z.number().int().describe('times agents reported applying it'),
  feedback_helped: z.number().int().describe('of those, the tasks that then succeeded'),
  first_seen: z.string(),
  last_seen: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const PlaybookView = z.object({
  steps: z.array(
    z.object({
      tool: z.string(),
      action: z.string(),
      why: z.string(),
      support: z.number().describe('how strongly the evidence backs this step, 0..1'),
    }),
  ),
  pitfalls: z.array(z.string()),
  when_to_apply: z.array(z.string()),
  confidence: z.number().describe("estimated chance the plan's distinctive steps are right, 0..1"),
  supporting_episode_ids: z.array(z.string()),
  pattern_ids: z.array(z.string()),
  evidence: z
    .object({ successes: z.number().int(), failures: z.number().int() })
    .describe('similar past runs weighed: successes give steps, failures only pitfalls'),
  abstained: z
    .boolean()
    .describe(
      "true when the evidence singles out no plan for this task: the steps are general practice, not this task's",
    ),
});

const TagChangeSchema = z.array(TagSchema).min(1).max(100);
export const LinkTypeArg = z.enum(LINK_TYPES);

export const recordFeedbackArgs = {
  pattern_ids: z
    .array(IdSchema)
    .min(1)
    .max(100)
    .describe('the patterns you applied (from retrieve_context or recommend_playbook)'),
  success: z.boolean().describe('whether the task succeeded after applying them'),
  episode_id: EpisodeIdSchema.optional().describe('the episode you applied them in'),
  note: NoteSchema.optional(),
};

export const checkpointEpisodeArgs = {
  episode_id: EpisodeIdSchema,
  note: CheckpointNoteSchema.describe('where you are and what comes next'),
  progress: z.number().min(0).max(1).optional().describe('how far the task is, 0-1'),
};

export const resumeArgs = {
  episode_id: EpisodeIdSchema,
  agent: AgentSchema.optional().describe('who takes over, e.g. your name or role'),
};

export const tagArgs = { episode_id: EpisodeIdSchema, tags: TagChangeSchema };

export const linkArgs = {
  from_episode_id: EpisodeIdSchema,
  to_episode_id: EpisodeIdSchema,
  type: LinkTypeArg.describe('from <type> to, e.g. B follows A, B depends_on A'),
};

export const HandoffView = z.object({
  episode_id: z.string(),
  task: z.string(),
  domain: z.string(),
  status: z.enum(['in_progress', ...OUTCOME_STATUSES]),
  steps_done: z.number().int(),
  what_worked: z.array(z.string()),
  what_failed: z.array(z.string()),
  next_steps: z.array(z.object({ tool: z.string(), action: z.string(), why: z.string() })),
  notes: z.array(z.string()),
  last_checkpoint: z.object({ note: z.string(), progress: z.number().nullable(), at: z.string() }).nullable(),
});

export const LinkView = z.object({
  from_episode_id: z.string(),
  to_episode_id: z.string(),
  type: LinkTypeArg,
  note: z.string().nullable(),
  created_at: z.string(),
});

/** What the namespace's self-tuning chose and from how much (null before its first run). */
export const TuningView = z
  .object({
    at: z.string(),
    episodes: z.number().int().describe('successful episodes it asked the memory about'),
    queries: z.number().int().describe('of which had a like episode among the others'),
    note: z.string().describe('what it chose, with its score and the defaults'),
    text_index: z.enum(['all', 'task']).nullable(),
    list_weights: z
      .string()
      .nullable()
      .describe('e.g. "decisive 2:1": how the text and vector lists are weighted'),
    playbook: z.string().nullable().describe('e.g. "minShare 0.1, minSuccesses 10, scaled"'),
    calibrated_on: z
      .number()
      .int()
      .describe("plans the playbook's confidence was calibrated on (0: not calibrated)"),
  })
  .nullable();
