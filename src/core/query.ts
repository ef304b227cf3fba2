import { z } from 'zod';
import { OUTCOME_STATUSES, TaskTypeSchema } from './episode.js';
import { PatternTypeSchema } from './pattern.js';

export const QueryContextSchema = z.object({
  domain: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
  framework: z.string().min(1).optional(),
  tags: z.array(z.string()).optional(),
});

export const RetrieveInputSchema = z.object({
  task: z.string().trim().min(1, 'task must not be empty').max(10_000),
  context: QueryContextSchema.default({}),
  limit: z.number().int().min(1).max(100).default(5),
});
export type RetrieveInput = z.input<typeof RetrieveInputSchema>;

export const PlaybookInputSchema = z.object({
  task: z.string().trim().min(1, 'task must not be empty').max(10_000),
  context: QueryContextSchema.default({}),
  maxSteps: z.number().int().min(1).max(50).default(8),
});
export type PlaybookRequest = z.input<typeof PlaybookInputSchema>;

const IsoDate = z.iso.datetime({ offset: true });

export const EpisodeFilterSchema = z.object({
  domain: z.string().min(1).optional(),
  taskType: TaskTypeSchema.optional(),
  outcome: z.enum(OUTCOME_STATUSES).optional(),
  tags: z.array(z.string()).optional(),
  since: IsoDate.optional(),
  until: IsoDate.optional(),
  completed: z.boolean().optional(),
  order: z.enum(['newest', 'oldest']).default('newest'),
  limit: z.number().int().min(1).max(10_000).default(20),
  offset: z.number().int().min(0).max(1_000_000_000, 'offset must be at most 1000000000').default(0),
});
export type EpisodeFilterInput = z.input<typeof EpisodeFilterSchema>;

export const PatternFilterSchema = z.object({
  type: PatternTypeSchema.optional(),
  domain: z.string().min(1).optional(),
  minOccurrences: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000, 'minOccurrences must be at most 1000000000')
    .optional(),
  limit: z.number().int().min(1).max(1_000).default(20),
  offset: z.number().int().min(0).max(1_000_000_000, 'offset must be at most 1000000000').default(0),
});
export type PatternFilterInput = z.input<typeof PatternFilterSchema>;

export const PatternSearchInputSchema = z.object({
  text: z.string().trim().min(1, 'text must not be empty').max(10_000),
  context: QueryContextSchema.optional(),
  type: PatternTypeSchema.optional(),
  limit: z.number().int().min(1).max(100).default(10),
});
export type PatternSearchInput = z.input<typeof PatternSearchInputSchema>;
