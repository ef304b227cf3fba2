import { z } from 'zod';
import { OUTCOME_STATUSES, TaskTextSchema, TaskTypeSchema } from './episode.js';
import { MAX_TASK_CHARS } from './limits.js';
import { PatternTypeSchema } from './pattern.js';
import { isStopword, tokenize } from './text.js';

export const QueryContextSchema = z.object({
  domain: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
  framework: z.string().min(1).optional(),
  tags: z.array(z.string()).optional(),
});

export const RetrieveInputSchema = z.object({
  task: TaskTextSchema,
  context: QueryContextSchema.default({}),
  limit: z.number().int().min(1).max(100).default(5),
});
export type RetrieveInput = z.input<typeof RetrieveInputSchema>;

export const PlaybookInputSchema = z.object({
  task: TaskTextSchema,
  context: QueryContextSchema.default({}),
  maxSteps: z.number().int().min(1).max(50).default(8),
});
export type PlaybookRequest = z.input<typeof PlaybookInputSchema>;

const IsoDate = z.iso.datetime({ offset: true });

/**
 * The words an episode text filter requires, lower-case and distinct: letters, digits and `_` runs of two or
 * more characters, stopwords left out (PostgreSQL's `english` configuration does not index them, so requiring
 * one would find nothing there). Both stores match them as whole, stemmed words ("tests" finds "test").
 *
 * @example
 * filterWords('The login TEST, failing!') // ['login', 'test', 'failing']
 */
export function filterWords(text: string): string[] {
  return [...new Set(tokenize(text).filter((t) => !isStopword(t)))].slice(0, 32);
}

/** The longest episode text filter, which the HTTP API's `q` also takes. */
export const MAX_FILTER_CHARS = 1_000;

const FilterText = z
  .string()
  .max(MAX_FILTER_CHARS)
  .refine((t) => filterWords(t).length > 0, {
    message:
      'text must hold at least one word to look for (letters or digits, two or more characters; words like "the" are not indexed)',
  });

export const EpisodeFilterSchema = z.object({
  domain: z.string().min(1).optional(),
  taskType: TaskTypeSchema.optional(),
  outcome: z.enum(OUTCOME_STATUSES).optional(),
  tags: z.array(z.string()).optional(),
  since: IsoDate.optional(),
  until: IsoDate.optional(),
  completed: z.boolean().optional(),
  /**
   * Words that must all appear in the episode: whole, stemmed words of its task, summary, tools and
   * reflection once completed; of its task (as a substring) while in progress. Case-insensitive.
   */
  text: FilterText.optional(),
  order: z.enum(['newest', 'oldest']).default('newest'),
  limit: z.number().int().min(1).max(10_000).default(20),
  offset: z.number().int().min(0).max(1_000_000_000, 'offset must be at most 1000000000').default(0),
});
export type EpisodeFilterInput = z.input<typeof EpisodeFilterSchema>;

export const PATTERN_SORTS = ['occurrences', 'effectiveness', 'helped', 'recent'] as const;
export type PatternSort = (typeof PATTERN_SORTS)[number];

export const PatternFilterSchema = z.object({
  type: PatternTypeSchema.optional(),
  domain: z.string().min(1).optional(),
  minOccurrences: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000, 'minOccurrences must be at most 1000000000')
    .optional(),
  /**
   * `occurrences` (default): most seen first, then success rate; `effectiveness`: how well it worked for
   * agents, then occurrences; `helped`: feedback that said it helped, then effectiveness, occurrences;
   * `recent`: last seen first. Ties by id.
   */
  sort: z.enum(PATTERN_SORTS).optional(),
  limit: z.number().int().min(1).max(1_000).default(20),
  offset: z.number().int().min(0).max(1_000_000_000, 'offset must be at most 1000000000').default(0),
});
export type PatternFilterInput = z.input<typeof PatternFilterSchema>;

export const HeuristicFilterSchema = z.object({
  domain: z.string().min(1).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  limit: z.number().int().min(1).max(1_000).default(20),
  offset: z.number().int().min(0).max(1_000_000_000, 'offset must be at most 1000000000').default(0),
});
export type HeuristicFilterInput = z.input<typeof HeuristicFilterSchema>;

export const PatternSearchInputSchema = z.object({
  text: z.string().trim().min(1, 'text must not be empty').max(MAX_TASK_CHARS),
  context: QueryContextSchema.optional(),
  type: PatternTypeSchema.optional(),
  limit: z.number().int().min(1).max(100).default(10),
});
export type PatternSearchInput = z.input<typeof PatternSearchInputSchema>;

export const PROGRESS_BUCKETS = ['day', 'week', 'month'] as const;
export type ProgressBucket = (typeof PROGRESS_BUCKETS)[number];

/** Progress over time: completed episodes counted per domain and bucket of their end time (UTC). */
export const ProgressQuerySchema = z.object({
  bucket: z.enum(PROGRESS_BUCKETS).default('week'),
  domain: z.string().min(1).optional(),
  /** ISO timestamps bounding `endedAt`, inclusive. */
  since: IsoDate.optional(),
  until: IsoDate.optional(),
});
export type ProgressQuery = z.input<typeof ProgressQuerySchema>;

/** One domain's completed episodes in one bucket. */
export interface ProgressPoint {
  domain: string;
  /** The bucket's first day, `YYYY-MM-DD` (UTC; weeks start on Monday). */
  start: string;
  completed: number;
  successes: number;
  partials: number;
  failures: number;
  abstained: number;
  /** Mean reward total of the bucket's episodes (4 decimals), null when none has a reward. */
  meanReward: number | null;
}

export interface Progress {
  bucket: ProgressBucket;
  /** Sorted by domain, then start; buckets without episodes are left out. */
  series: ProgressPoint[];
}
