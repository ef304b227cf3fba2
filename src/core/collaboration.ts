import { z } from 'zod';
import { ToolNameSchema } from './episode.js';

const IsoDate = z.iso.datetime({ offset: true });
/** The ids and texts the faces reuse (see episode.ts). */
export const IdSchema = z.string().trim().min(1, 'id must not be empty').max(200);
const MAX_NOTE_CHARS = 2_000;
export const NoteSchema = z.string().max(MAX_NOTE_CHARS);
export const CheckpointNoteSchema = z.string().trim().min(1, 'note must not be empty').max(MAX_NOTE_CHARS);
export const AgentSchema = z.string().trim().min(1, 'agent must not be empty').max(200);

export const LINK_TYPES = [
  'parent_child',
  'depends_on',
  'follows',
  'related_to',
  'blocks',
  'duplicates',
  'references',
] as const;
export const LinkTypeSchema = z.enum(LINK_TYPES);
export type LinkType = z.infer<typeof LinkTypeSchema>;

/** Link types that order episodes: a chain of one of these types may never come back to where it started. */
export const ORDERED_LINK_TYPES: readonly LinkType[] = ['parent_child', 'depends_on', 'follows', 'blocks'];

/** A typed, directed relation between two episodes: `from` <type> `to` (e.g. B follows A). */
export const LinkSchema = z.object({
  from: z.string(),
  to: z.string(),
  type: LinkTypeSchema,
  note: z.string().optional(),
  createdAt: IsoDate,
});
export type Link = z.infer<typeof LinkSchema>;

export const LinkInputSchema = z.object({
  from: IdSchema,
  to: IdSchema,
  type: LinkTypeSchema,
  note: NoteSchema.optional(),
});
export type LinkInput = z.input<typeof LinkInputSchema>;

export const UnlinkInputSchema = LinkInputSchema.omit({ note: true });
export type UnlinkInput = z.input<typeof UnlinkInputSchema>;

/** A note an agent leaves on an episode in progress, with how far it got. */
export const CheckpointSchema = z.object({
  id: z.string(),
  episodeId: z.string(),
  at: IsoDate,
  note: z.string(),
  progress: z.number().min(0).max(1).optional(),
  /** Steps the episode had when the checkpoint was taken. */
  stepCount: z.number().int().min(0),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export const CheckpointInputSchema = z.object({
  note: CheckpointNoteSchema,
  progress: z.number().min(0).max(1).optional(),
});
export type CheckpointInput = z.input<typeof CheckpointInputSchema>;

export const FeedbackInputSchema = z
  .object({
    episodeId: IdSchema.optional(),
    /** The recommended patterns the agent applied: these are the ones whose effectiveness moves. */
    patternIds: z.array(IdSchema).max(100).default([]),
    /** Playbook steps the agent followed; kept with the feedback as an annotation only. */
    playbookSteps: z
      .array(z.object({ tool: ToolNameSchema }))
      .max(100)
      .default([]),
    success: z.boolean(),
    note: NoteSchema.optional(),
  })
  .refine((f) => f.patternIds.length > 0 || f.playbookSteps.length > 0, {
    message: 'name at least one applied pattern (patternIds) or playbook step (playbookSteps)',
  });
export type FeedbackInput = z.input<typeof FeedbackInputSchema>;

/** Stored feedback, as recorded. */
export const FeedbackSchema = z.object({
  id: z.string(),
  episodeId: z.string().optional(),
  patternIds: z.array(z.string()),
  playbookSteps: z.array(z.object({ tool: z.string() })),
  success: z.boolean(),
  note: z.string().optional(),
  at: IsoDate,
});
export type Feedback = z.infer<typeof FeedbackSchema>;

export const ResumeInputSchema = z.object({
  agent: AgentSchema.optional(),
});
export type ResumeInput = z.input<typeof ResumeInputSchema>;

export const TagListSchema = z.array(z.string()).min(1, 'give at least one tag').max(100);
