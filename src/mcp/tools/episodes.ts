import { z } from 'zod';
import type { SelfLearningMemory } from '../../memory/index.js';
import {
  completeEpisodeArgs,
  EpisodeIdSchema,
  EpisodeSummaryView,
  EpisodeView,
  episodeSummaryView,
  episodeView,
  listEpisodesArgs,
  logStepArgs,
  outcomeInput,
  ReflectionView,
  startEpisodeArgs,
  startEpisodeInput,
  stepInput,
} from '../../views/index.js';
import { defineTool, type Tool } from '../tool.js';

/** Recording work: an episode is started, its steps logged as they happen, then completed with an outcome. */
export function episodeTools(memory: SelfLearningMemory): Tool[] {
  return [
    defineTool({
      name: 'start_episode',
      title: 'Start an episode',
      description:
        'Call once when you begin a task, after retrieve_context / recommend_playbook. Returns the episode_id ' +
        'to pass to log_step, checkpoint_episode and complete_episode.',
      input: startEpisodeArgs,
      output: { episode_id: z.string() },
      async run(args) {
        const episode = await memory.startEpisode(startEpisodeInput(args));
        return {
          result: { episode_id: episode.id },
          text: `Started episode ${episode.id}. Log each tool call with log_step; finish with complete_episode.`,
        };
      },
    }),
    defineTool({
      name: 'log_step',
      title: 'Log a step',
      description:
        'Call after each meaningful tool call of the task (a command, an edit, a search), with its output or ' +
        'its error, or timeout: true when it timed out. Failed steps matter: they teach error recoveries. Returns ' +
        'the step number.',
      input: logStepArgs,
      output: { seq: z.number().int() },
      annotations: { idempotentHint: false },
      async run(args) {
        const { episode_id, ...step } = args;
        const logged = await memory.logStep(episode_id, stepInput(step));
        return {
          result: { seq: logged.seq },
          text: `Logged step ${logged.seq} (${logged.tool}, ${logged.result.status}).`,
        };
      },
    }),
    defineTool({
      name: 'complete_episode',
      title: 'Complete an episode',
      description:
        'Call once when the task ends, whatever the result: success, partial, failure, or abstained (not ' +
        'feasible). The memory scores it, reflects on it and learns patterns and heuristics. Returns the reward ' +
        '(0-1), the reflection and the ids of what was learned; pass pattern ids you used to record_feedback.',
      input: completeEpisodeArgs,
      output: {
        episode_id: z.string(),
        reward: z.number(),
        reflection: ReflectionView,
        pattern_ids: z.array(z.string()),
        heuristic_ids: z.array(z.string()),
      },
      async run(args) {
        const { episode } = await memory.completeEpisode(args.episode_id, outcomeInput(args));
        const { successes, improvements, insights } = episode.reflection;
        return {
          result: {
            episode_id: episode.id,
            reward: episode.reward.total,
            reflection: { successes, improvements, insights },
            pattern_ids: episode.patternIds,
            heuristic_ids: episode.heuristicIds,
          },
          text: [
            `Completed episode ${episode.id}: ${episode.outcome.status}, reward ${episode.reward.total.toFixed(2)}.`,
            ...[...successes, ...improvements, ...insights].map((line) => `- ${line}`),
          ].join('\n'),
        };
      },
    }),
    defineTool({
      name: 'get_episode',
      title: 'Get an episode',
      description:
        'Returns one episode in full: task, context, steps with their outputs and errors, outcome, reward and ' +
        'reflection. Use it to study a past episode retrieve_context pointed to.',
      input: { episode_id: EpisodeIdSchema },
      output: { episode: EpisodeView },
      annotations: { readOnlyHint: true },
      async run(args) {
        const episode = episodeView(await memory.getEpisode(args.episode_id));
        return { result: { episode }, text: JSON.stringify(episode, null, 2) };
      },
    }),
    defineTool({
      name: 'list_episodes',
      title: 'List episodes',
      description:
        'Lists episodes newest first, filtered by domain, task type, outcome or tags (no steps; use ' +
        'get_episode). To find episodes by meaning, use search_episodes.',
      input: listEpisodesArgs,
      output: { episodes: z.array(EpisodeSummaryView) },
      annotations: { readOnlyHint: true },
      async run(args) {
        const episodes = await memory.listEpisodes({
          ...(args.domain ? { domain: args.domain } : {}),
          ...(args.task_type ? { taskType: args.task_type } : {}),
          ...(args.outcome ? { outcome: args.outcome } : {}),
          ...(args.tags ? { tags: args.tags } : {}),
          limit: args.limit,
          offset: args.offset,
        });
        const views = episodes.map(episodeSummaryView);
        return { result: { episodes: views }, text: listText(views) };
      },
    }),
    defineTool({
      name: 'delete_episode',
      title: 'Delete an episode',
      description:
        'Deletes an episode and its steps for good (patterns learned from it stay). Only when asked to, or ' +
        'for an episode recorded by mistake.',
      input: { episode_id: EpisodeIdSchema },
      output: { episode_id: z.string(), deleted: z.boolean() },
      annotations: { destructiveHint: true, idempotentHint: false },
      async run(args) {
        await memory.deleteEpisode(args.episode_id);
        return {
          result: { episode_id: args.episode_id, deleted: true },
          text: `Deleted episode ${args.episode_id}.`,
        };
      },
    }),
  ];
}

function listText(episodes: ReadonlyArray<z.infer<typeof EpisodeSummaryView>>): string {
  if (episodes.length === 0) return 'No episodes match.';
  return episodes
    .map(
      (e) =>
        `${e.episode_id}  ${e.outcome ?? 'open'}${e.reward === null ? '' : ` ${e.reward.toFixed(2)}`}  ${e.task}`,
    )
    .join('\n');
}
