import { z } from 'zod';
import { DomainSchema, IdSchema, PATTERN_SORTS } from '../../core/index.js';
import {
  EpisodeSummaryView,
  episodeSummaryView,
  feedbackInput,
  HeuristicView,
  heuristicView,
  listHeuristicsArgs,
  PatternTypeArg,
  PatternView,
  patternView,
  recordFeedbackArgs,
} from '../../views/index.js';
import { defineRoute, pageOf, type Route } from '../route.js';

const tag = 'Patterns';

/** What was learned: patterns and heuristics, and the feedback that moves them. */
export function knowledgeRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/patterns',
      tag,
      summary: 'List patterns, the most effective first unless another sort is asked',
      query: {
        type: PatternTypeArg.optional(),
        domain: DomainSchema.optional(),
        min_occurrences: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('only patterns seen at least this often'),
        sort: z
          .enum(PATTERN_SORTS)
          .default('effectiveness')
          .describe('effectiveness (feedback), helped (tasks it helped), occurrences or recent'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(20)
          .describe('how many to return (1-100, default 20)'),
        offset: z.number().int().min(0).default(0),
      },
      response: z.object({
        patterns: z.array(PatternView),
        next_offset: z.number().int().nullable().describe('the offset of the next page; null on the last'),
      }),
      async handle({ query }, memory) {
        const found = await memory.listPatterns({
          ...(query.type ? { type: query.type } : {}),
          ...(query.domain ? { domain: query.domain } : {}),
          ...(query.min_occurrences ? { minOccurrences: query.min_occurrences } : {}),
          sort: query.sort,
          limit: query.limit + 1,
          offset: query.offset,
        });
        const { rows, next_offset } = pageOf(found, query);
        return { patterns: rows.map(patternView), next_offset };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/patterns/:id',
      tag,
      summary: 'A pattern with the episodes that support it',
      params: { id: IdSchema },
      response: z.object({
        pattern: PatternView,
        episodes: z.array(EpisodeSummaryView).describe('its most recent evidence, newest first'),
      }),
      async handle({ params }, memory) {
        const pattern = await memory.getPattern(params.id);
        // Pruned or deleted episodes are left out: the pattern keeps its counts, the page shows what is left.
        const episodes = await memory.getEpisodes([...pattern.evidence].reverse());
        return { pattern: patternView(pattern), episodes: episodes.map(episodeSummaryView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/heuristics',
      tag,
      summary: 'List heuristics (when this, do that), the most confident first',
      query: { ...listHeuristicsArgs, offset: z.number().int().min(0).default(0) },
      response: z.object({
        heuristics: z.array(HeuristicView),
        next_offset: z.number().int().nullable().describe('the offset of the next page; null on the last'),
      }),
      async handle({ query }, memory) {
        const found = await memory.listHeuristics({
          limit: query.limit + 1,
          offset: query.offset,
          ...(query.domain ? { domain: query.domain } : {}),
          ...(query.min_confidence === undefined ? {} : { minConfidence: query.min_confidence }),
        });
        const { rows, next_offset } = pageOf(found, query);
        return { heuristics: rows.map(heuristicView), next_offset };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/heuristics/:id',
      tag,
      summary: 'A heuristic with the episodes that support it',
      params: { id: IdSchema },
      response: z.object({
        heuristic: HeuristicView,
        episodes: z.array(EpisodeSummaryView).describe('its evidence still stored, newest first'),
      }),
      async handle({ params }, memory) {
        const heuristic = await memory.getHeuristic(params.id);
        const episodes = await memory.getEpisodes([...heuristic.evidence].reverse());
        return { heuristic: heuristicView(heuristic), episodes: episodes.map(episodeSummaryView) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/feedback',
      tag,
      summary: 'Report whether the patterns an agent applied helped: their effectiveness moves',
      body: recordFeedbackArgs,
      response: z.object({ patterns: z.array(PatternView) }),
      handle: async ({ body }, memory) => ({
        patterns: (await memory.recordFeedback(feedbackInput(body))).patterns.map(patternView),
      }),
    }),
  ];
}
