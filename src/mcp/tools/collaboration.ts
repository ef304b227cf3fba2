import { z } from 'zod';
import type { SelfLearningMemory } from '../../memory/index.js';
import {
  checkpointEpisodeArgs,
  EpisodeIdSchema,
  feedbackInput,
  HandoffView,
  handoffView,
  LinkView,
  linkArgs,
  linkView,
  recordFeedbackArgs,
  resumeArgs,
  tagArgs,
} from '../../views/index.js';
import { defineTool, type Tool } from '../tool.js';

/** Working with others and with later selves: feedback, checkpoints, hand-offs, tags and links. */
export function collaborationTools(memory: SelfLearningMemory): Tool[] {
  return [
    defineTool({
      name: 'record_feedback',
      title: 'Record feedback on patterns',
      description:
        'Call after complete_episode with the pattern ids you actually applied (from retrieve_context or ' +
        'recommend_playbook) and whether the task succeeded: it moves their effectiveness, which ranks future ' +
        'advice. Returns each pattern with its new effectiveness.',
      input: recordFeedbackArgs,
      output: { patterns: z.array(z.object({ pattern_id: z.string(), effectiveness: z.number() })) },
      annotations: { idempotentHint: false },
      async run(args) {
        const { patterns } = await memory.recordFeedback(feedbackInput(args));
        const views = patterns.map((p) => ({ pattern_id: p.id, effectiveness: p.effectiveness }));
        return {
          result: { patterns: views },
          text: views.map((p) => `${p.pattern_id}: effectiveness ${p.effectiveness.toFixed(2)}`).join('\n'),
        };
      },
    }),
    defineTool({
      name: 'checkpoint_episode',
      title: 'Checkpoint an episode',
      description:
        'Call at milestones of a long task, or before you stop, with a note of where you are and what comes ' +
        'next (and progress 0-1): get_handoff shows it to whoever continues. Only for episodes in progress.',
      input: checkpointEpisodeArgs,
      output: {
        checkpoint_id: z.string(),
        episode_id: z.string(),
        at: z.string(),
        step_count: z.number().int(),
        progress: z.number().nullable(),
      },
      annotations: { idempotentHint: false },
      async run(args) {
        const checkpoint = await memory.checkpointEpisode(args.episode_id, {
          note: args.note,
          ...(args.progress === undefined ? {} : { progress: args.progress }),
        });
        return {
          result: {
            checkpoint_id: checkpoint.id,
            episode_id: checkpoint.episodeId,
            at: checkpoint.at,
            step_count: checkpoint.stepCount,
            progress: checkpoint.progress ?? null,
          },
          text: `Checkpoint ${checkpoint.id} on episode ${checkpoint.episodeId} after ${checkpoint.stepCount} steps.`,
        };
      },
    }),
    defineTool({
      name: 'get_handoff',
      title: 'Get a hand-off',
      description:
        'Returns what you need to take over an episode (yours from an earlier session, or another agent’s): ' +
        'its status, what worked, what failed, the next steps and the checkpoint notes. Read-only; call ' +
        'resume_from_handoff to actually continue.',
      input: { episode_id: EpisodeIdSchema },
      output: HandoffView.shape,
      annotations: { readOnlyHint: true },
      async run(args) {
        const handoff = handoffView(await memory.getHandoff(args.episode_id));
        return { result: handoff, text: handoffText(handoff) };
      },
    }),
    defineTool({
      name: 'resume_from_handoff',
      title: 'Resume from a hand-off',
      description:
        'Takes over an episode. One in progress continues under the same episode_id; a completed one starts ' +
        'a new episode with the same task that follows it. Returns the episode_id to log steps to, whether ' +
        'it is the same or new, and the hand-off.',
      input: resumeArgs,
      output: { episode_id: z.string(), resumed: z.enum(['same', 'new']), handoff: HandoffView },
      annotations: { idempotentHint: false },
      async run(args) {
        const { episode, handoff, resumed } = await memory.resumeFromHandoff(
          args.episode_id,
          args.agent ? { agent: args.agent } : {},
        );
        const view = handoffView(handoff);
        return {
          result: { episode_id: episode.id, resumed, handoff: view },
          text: `Continue in episode ${episode.id} (${resumed === 'same' ? 'the same episode' : 'a new episode'}).\n${handoffText(view)}`,
        };
      },
    }),
    defineTool({
      name: 'add_tags',
      title: 'Add tags',
      description: 'Adds tags to an episode, in progress or completed. Returns its tags after the change.',
      input: tagArgs,
      output: { episode_id: z.string(), tags: z.array(z.string()) },
      annotations: { idempotentHint: true },
      async run(args) {
        const episode = await memory.addTags(args.episode_id, args.tags);
        return { result: { episode_id: episode.id, tags: episode.tags }, text: tagsText(episode.tags) };
      },
    }),
    defineTool({
      name: 'remove_tags',
      title: 'Remove tags',
      description: 'Removes tags from an episode. Returns its tags after the change.',
      input: tagArgs,
      output: { episode_id: z.string(), tags: z.array(z.string()) },
      annotations: { idempotentHint: true },
      async run(args) {
        const episode = await memory.removeTags(args.episode_id, args.tags);
        return { result: { episode_id: episode.id, tags: episode.tags }, text: tagsText(episode.tags) };
      },
    }),
    defineTool({
      name: 'link_episodes',
      title: 'Link episodes',
      description:
        'Records how two episodes relate: from <type> to (parent_child, depends_on, follows, related_to, ' +
        'blocks, duplicates, references). A duplicate link, or one that closes a cycle of an ordered type, ' +
        'is a CONFLICT. Returns the link.',
      input: { ...linkArgs, note: z.string().max(2_000).optional() },
      output: LinkView.shape,
      annotations: { idempotentHint: false },
      async run(args) {
        const link = linkView(
          await memory.linkEpisodes({
            from: args.from_episode_id,
            to: args.to_episode_id,
            type: args.type,
            ...(args.note ? { note: args.note } : {}),
          }),
        );
        return { result: link, text: `Linked: ${link.from_episode_id} ${link.type} ${link.to_episode_id}.` };
      },
    }),
    defineTool({
      name: 'unlink_episodes',
      title: 'Unlink episodes',
      description: 'Removes a link made by link_episodes (NOT_FOUND when there is none).',
      input: linkArgs,
      output: { ...linkArgs, unlinked: z.boolean() },
      annotations: { destructiveHint: true, idempotentHint: false },
      async run(args) {
        await memory.unlinkEpisodes({ from: args.from_episode_id, to: args.to_episode_id, type: args.type });
        return {
          result: { ...args, unlinked: true },
          text: `Unlinked: ${args.from_episode_id} ${args.type} ${args.to_episode_id}.`,
        };
      },
    }),
    defineTool({
      name: 'list_links',
      title: 'List links',
      description: 'Lists the links from and to an episode, oldest first.',
      input: { episode_id: EpisodeIdSchema },
      output: { links: z.array(LinkView) },
      annotations: { readOnlyHint: true },
      async run(args) {
        const links = (await memory.listLinks(args.episode_id)).map(linkView);
        return {
          result: { links },
          text:
            links.length === 0
              ? 'No links.'
              : links.map((l) => `${l.from_episode_id} ${l.type} ${l.to_episode_id}`).join('\n'),
        };
      },
    }),
  ];
}

function handoffText(handoff: z.infer<typeof HandoffView>): string {
  return [
    `Episode ${handoff.episode_id} (${handoff.status}, ${handoff.steps_done} steps): ${handoff.task}`,
    ...handoff.what_worked.map((line) => `Worked: ${line}`),
    ...handoff.what_failed.map((line) => `Failed: ${line}`),
    ...handoff.next_steps.map((s, i) => `Next ${i + 1}. ${s.tool}: ${s.action} (${s.why})`),
    ...handoff.notes.map((note) => `Note: ${note}`),
  ].join('\n');
}

function tagsText(tags: readonly string[]): string {
  return tags.length === 0 ? 'No tags.' : `Tags: ${tags.join(', ')}`;
}
