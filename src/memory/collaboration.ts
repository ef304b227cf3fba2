import {
  type Checkpoint,
  type CheckpointInput,
  CheckpointInputSchema,
  type Episode,
  type FeedbackInput,
  FeedbackInputSchema,
  type Link,
  type LinkInput,
  LinkInputSchema,
  MemoryError,
  normalizeTags,
  type Pattern,
  type PlaybookRequest,
  parseInput,
  type ResumeInput,
  ResumeInputSchema,
  type StartEpisodeInput,
  TagListSchema,
  type UnlinkInput,
  UnlinkInputSchema,
} from '../core/index.js';
import { applyFeedback, buildHandoff, type Handoff, type Playbook } from '../learning/index.js';
import type { StorageBackend } from '../storage/index.js';

/** What the collaboration operations need from the facade. */
export interface CollaborationDeps {
  storage: StorageBackend;
  /** The clock's now, as an ISO timestamp. */
  now(): string;
  newId(): string;
  playbook(request: PlaybookRequest): Promise<Playbook>;
  startEpisode(input: StartEpisodeInput): Promise<Episode>;
}

/** What `resumeFromHandoff` returns: the episode to continue with, and the handoff it continues from. */
export interface ResumeResult {
  episode: Episode;
  handoff: Handoff;
  /** `same`: the episode was in progress and continues; `new`: it was completed, a follow-up was started. */
  resumed: 'same' | 'new';
}

const PLAYBOOK_TASK_CHARS = 10_000;

export async function recordFeedback(
  deps: CollaborationDeps,
  input: FeedbackInput,
): Promise<{ patterns: Pattern[] }> {
  const parsed = parseInput(FeedbackInputSchema, input, 'record feedback');
  const patterns = await deps.storage.recordFeedback(
    {
      id: deps.newId(),
      ...(parsed.episodeId === undefined ? {} : { episodeId: parsed.episodeId }),
      patternIds: [...new Set(parsed.patternIds)],
      playbookSteps: parsed.playbookSteps,
      success: parsed.success,
      ...(parsed.note === undefined ? {} : { note: parsed.note }),
      at: deps.now(),
    },
    (pattern) => applyFeedback(pattern, parsed.success),
  );
  return { patterns };
}

export async function checkpointEpisode(
  deps: CollaborationDeps,
  episodeId: string,
  input: CheckpointInput,
): Promise<Checkpoint> {
  const parsed = parseInput(CheckpointInputSchema, input, 'checkpoint episode');
  return deps.storage.addCheckpoint({
    id: deps.newId(),
    episodeId,
    at: deps.now(),
    note: parsed.note,
    ...(parsed.progress === undefined ? {} : { progress: parsed.progress }),
  });
}

export async function getHandoff(deps: CollaborationDeps, episode: Episode): Promise<Handoff> {
  const checkpoints = await deps.storage.listCheckpoints(episode.id);
  const { domain, language, framework, tags } = episode.context;
  const playbook = await deps.playbook({
    task: episode.task.slice(0, PLAYBOOK_TASK_CHARS),
    context: {
      domain,
      ...(language ? { language } : {}),
      ...(framework ? { framework } : {}),
      ...(tags.length > 0 ? { tags } : {}),
    },
  });
  return buildHandoff({ episode, checkpoints, playbook });
}

export async function resumeFromHandoff(
  deps: CollaborationDeps,
  episode: Episode,
  input: ResumeInput,
): Promise<ResumeResult> {
  const { agent } = parseInput(ResumeInputSchema, input, 'resume from handoff');
  const handoff = await getHandoff(deps, episode);
  if (episode.outcome === undefined) {
    const progress = handoff.lastCheckpoint?.progress;
    await deps.storage.addCheckpoint({
      id: deps.newId(),
      episodeId: episode.id,
      at: deps.now(),
      note: `resumed by ${agent ?? 'another agent'}`,
      ...(progress === undefined ? {} : { progress }),
    });
    return { episode, handoff, resumed: 'same' };
  }
  const next = await deps.startEpisode({
    task: episode.task,
    taskType: episode.taskType,
    context: episode.context,
    tags: episode.tags,
    metadata: { ...episode.metadata, resumedFrom: episode.id, ...(agent ? { resumedBy: agent } : {}) },
  });
  await deps.storage.addLink({
    from: next.id,
    to: episode.id,
    type: 'follows',
    note: `resumed from ${episode.id}`,
    createdAt: deps.now(),
  });
  return { episode: next, handoff, resumed: 'new' };
}

export async function changeTags(
  deps: CollaborationDeps,
  episodeId: string,
  tags: readonly string[],
  change: 'add' | 'remove',
): Promise<Episode> {
  const normalized = normalizeTags(parseInput(TagListSchema, tags, `${change} tags`));
  return deps.storage.updateTags(episodeId, {
    add: change === 'add' ? normalized : [],
    remove: change === 'remove' ? normalized : [],
  });
}

export async function linkEpisodes(deps: CollaborationDeps, input: LinkInput): Promise<Link> {
  const parsed = parseInput(LinkInputSchema, input, 'link episodes');
  if (parsed.from === parsed.to) {
    throw new MemoryError(
      'INVALID_INPUT',
      `link episodes: an episode cannot be linked to itself (${parsed.from})`,
    );
  }
  return deps.storage.addLink({
    from: parsed.from,
    to: parsed.to,
    type: parsed.type,
    ...(parsed.note === undefined ? {} : { note: parsed.note }),
    createdAt: deps.now(),
  });
}

export async function unlinkEpisodes(deps: CollaborationDeps, input: UnlinkInput): Promise<void> {
  const parsed = parseInput(UnlinkInputSchema, input, 'unlink episodes');
  if (!(await deps.storage.removeLink(parsed))) {
    throw new MemoryError(
      'NOT_FOUND',
      `no ${parsed.type} link from episode ${parsed.from} to episode ${parsed.to}`,
      { details: { ...parsed } },
    );
  }
}
