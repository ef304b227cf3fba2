import { z } from 'zod';
import { MAX_FILTER_CHARS } from '../../core/index.js';
import {
  completeEpisodeArgs,
  EpisodeIdSchema,
  EpisodeSummaryView,
  EpisodeView,
  episodeSummaryView,
  episodeView,
  HeuristicView,
  heuristicView,
  LinkView,
  linkView,
  listEpisodesArgs,
  logStepArgs,
  outcomeInput,
  PatternView,
  patternView,
  StepView,
  startEpisodeArgs,
  startEpisodeInput,
  stepInput,
  stepView,
} from '../../views/index.js';
import { defineRoute, pageOf, type Route } from '../route.js';
import { endOfDay, startOfDay } from './dates.js';

const tag = 'Episodes';
const byId = { id: EpisodeIdSchema };
const { episode_id: _, ...stepArgs } = logStepArgs;
const { episode_id: __, ...outcomeArgs } = completeEpisodeArgs;

const listQuery = {
  domain: listEpisodesArgs.domain,
  task_type: listEpisodesArgs.task_type,
  outcome: listEpisodesArgs.outcome,
  tag: listEpisodesArgs.tags.describe(
    'only episodes carrying this tag; repeat it for several (all must match)',
  ),
  since: z.string().max(40).optional().describe('only episodes started at or after this ISO date or time'),
  until: z.string().max(40).optional().describe('only episodes started at or before this ISO date or time'),
  q: z
    .string()
    .max(MAX_FILTER_CHARS)
    .optional()
    .describe('words that must all appear in the episode (task, steps, reflection)'),
  status: z.enum(['completed', 'in_progress']).optional(),
  limit: listEpisodesArgs.limit.default(20).describe('how many to return (1-100, default 20)'),
  offset: listEpisodesArgs.offset,
};

export const EpisodeDetailView = z.object({
  episode: EpisodeView,
  patterns: z.array(PatternView).describe('the patterns this episode taught or confirmed'),
  links: z.array(LinkView).describe('links from and to this episode'),
  linked_episodes: z
    .array(EpisodeSummaryView)
    .describe('the episodes at the other end of those links (the first 50)'),
});

/** Recording work and reading it back: list, show, start, log steps, complete, delete. */
export function episodeRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/episodes',
      tag,
      summary: 'List episodes, newest first, by domain, outcome, tags, time and words',
      query: listQuery,
      response: z.object({
        episodes: z.array(EpisodeSummaryView),
        next_offset: z.number().int().nullable().describe('the offset of the next page; null on the last'),
      }),
      async handle({ query }, memory) {
        const found = await memory.listEpisodes({
          ...(query.domain ? { domain: query.domain } : {}),
          ...(query.task_type ? { taskType: query.task_type } : {}),
          ...(query.outcome ? { outcome: query.outcome } : {}),
          ...(query.tag ? { tags: query.tag } : {}),
          ...(query.since ? { since: startOfDay(query.since) } : {}),
          ...(query.until ? { until: endOfDay(query.until) } : {}),
          ...(query.q ? { text: query.q } : {}),
          ...(query.status ? { completed: query.status === 'completed' } : {}),
          // One more than asked: see pageOf.
          limit: query.limit + 1,
          offset: query.offset,
        });
        const { rows, next_offset } = pageOf(found, query);
        return { episodes: rows.map(episodeSummaryView), next_offset };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/episodes',
      tag,
      summary: 'Start an episode',
      body: startEpisodeArgs,
      status: 201,
      response: EpisodeView,
      handle: async ({ body }, memory) => episodeView(await memory.startEpisode(startEpisodeInput(body))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/episodes/:id',
      tag,
      summary: 'An episode in full, with the patterns it taught and its links',
      params: byId,
      response: EpisodeDetailView,
      async handle({ params }, memory) {
        const episode = await memory.getEpisode(params.id);
        const [patterns, links] = await Promise.all([
          // Pruning may have removed some an old episode names: those still stored.
          memory.getPatterns(episode.patternIds),
          memory.listLinks(episode.id),
        ]);
        const others = new Set(links.flatMap((l) => [l.from, l.to]));
        others.delete(episode.id);
        const linked = await memory.getEpisodes([...others].slice(0, 50));
        return {
          episode: episodeView(episode),
          patterns: patterns.map(patternView),
          links: links.map(linkView),
          linked_episodes: linked.map(episodeSummaryView),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/episodes/:id',
      tag,
      summary: 'Delete an episode and its steps (what was learned from it stays)',
      params: byId,
      status: 204,
      response: z.null(),
      async handle({ params }, memory) {
        await memory.deleteEpisode(params.id);
        return null;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/episodes/:id/steps',
      tag,
      summary: "An episode's steps, in order",
      params: byId,
      response: z.object({ steps: z.array(StepView) }),
      handle: async ({ params }, memory) => ({
        steps: (await memory.getEpisode(params.id)).steps.map(stepView),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/episodes/:id/steps',
      tag,
      summary: 'Log a step of an episode in progress',
      params: byId,
      body: stepArgs,
      status: 201,
      response: StepView,
      handle: async ({ params, body }, memory) => stepView(await memory.logStep(params.id, stepInput(body))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/episodes/:id/complete',
      tag,
      summary: 'Complete an episode: score it, reflect on it, learn patterns and heuristics',
      params: byId,
      body: outcomeArgs,
      response: z.object({
        episode: EpisodeView,
        patterns: z.array(PatternView),
        heuristics: z.array(HeuristicView),
      }),
      async handle({ params, body }, memory) {
        const report = await memory.completeEpisode(params.id, outcomeInput(body));
        return {
          episode: episodeView(report.episode),
          patterns: report.patterns.map(patternView),
          heuristics: report.heuristics.map(heuristicView),
        };
      },
    }),
  ];
}
