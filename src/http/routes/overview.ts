import { z } from 'zod';
import { DomainSchema, PROGRESS_BUCKETS, VERSION } from '../../core/index.js';
import { OutcomeArg, PatternView, patternView, TuningView, tuningView } from '../../views/index.js';
import { defineRoute, type Route } from '../route.js';
import { endOfDay, startOfDay } from './dates.js';

const tag = 'Memory';

const StatsView = z.object({
  backend: z.string(),
  namespace: z.string(),
  episodes: z.number().int(),
  completed_episodes: z.number().int(),
  steps: z.number().int(),
  patterns: z.number().int(),
  heuristics: z.number().int(),
  by_outcome: z.record(OutcomeArg, z.number().int()),
  by_domain: z.record(z.string(), z.number().int()),
  average_reward: z.number().nullable(),
  embeddings: z
    .object({ provider: z.string(), dimensions: z.number().int(), pending: z.number().int() })
    .nullable(),
  tuning: TuningView,
});

const ProgressView = z.object({
  bucket: z.enum(PROGRESS_BUCKETS),
  series: z.array(
    z.object({
      domain: z.string(),
      start: z.string().describe("the bucket's first day, YYYY-MM-DD (UTC; weeks start on Monday)"),
      completed: z.number().int(),
      successes: z.number().int(),
      partials: z.number().int(),
      failures: z.number().int(),
      abstained: z.number().int(),
      success_rate: z.number().describe('successes / completed'),
      mean_reward: z.number().nullable(),
    }),
  ),
  top_patterns: z.array(PatternView).describe('the patterns agents reported as helping most'),
});

/** The memory as a whole: is it up, how big, and are the agents getting better. */
export function overviewRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/stats',
      tag,
      summary: 'Counts of the memory: episodes by outcome and domain, patterns, heuristics, embeddings',
      response: StatsView,
      async handle(_, memory) {
        const s = await memory.stats();
        return {
          backend: memory.backend,
          namespace: memory.namespace,
          episodes: s.episodes,
          completed_episodes: s.completedEpisodes,
          steps: s.steps,
          patterns: s.patterns,
          heuristics: s.heuristics,
          by_outcome: s.byOutcome,
          by_domain: s.byDomain,
          average_reward: s.averageReward,
          embeddings: s.embeddings && {
            provider: s.embeddings.provider,
            dimensions: s.embeddings.dimensions,
            pending: s.embeddings.pending,
          },
          tuning: tuningView(s.tuning),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/progress',
      tag,
      summary: 'Are the agents getting better: success rate and mean reward over time, per domain',
      query: {
        bucket: z.enum(PROGRESS_BUCKETS).default('week'),
        domain: DomainSchema.optional(),
        since: z.string().max(40).optional().describe('episodes completed at or after this ISO date or time'),
        until: z
          .string()
          .max(40)
          .optional()
          .describe('episodes completed at or before this ISO date or time'),
        top: z.number().int().min(0).max(50).default(5).describe('how many helpful patterns to list'),
      },
      response: ProgressView,
      async handle({ query }, memory) {
        const [progress, helped] = await Promise.all([
          memory.progress({
            bucket: query.bucket,
            ...(query.domain ? { domain: query.domain } : {}),
            ...(query.since ? { since: startOfDay(query.since) } : {}),
            ...(query.until ? { until: endOfDay(query.until) } : {}),
          }),
          query.top === 0
            ? []
            : memory.listPatterns({
                sort: 'helped',
                limit: query.top,
                ...(query.domain ? { domain: query.domain } : {}),
              }),
        ]);
        return {
          bucket: progress.bucket,
          series: progress.series.map((p) => ({
            domain: p.domain,
            start: p.start,
            completed: p.completed,
            successes: p.successes,
            partials: p.partials,
            failures: p.failures,
            abstained: p.abstained,
            success_rate: p.completed === 0 ? 0 : p.successes / p.completed,
            mean_reward: p.meanReward,
          })),
          // Only patterns some agent reported as helping: the sort puts the rest last, the page shows none of them.
          top_patterns: helped.filter((p) => p.feedbackHelped > 0).map(patternView),
        };
      },
    }),
  ];
}

/** Liveness for a load balancer or a supervisor: no token needed, nothing about the memory's contents. */
export const HealthView = z.object({
  status: z.literal('ok'),
  version: z.string(),
  backend: z.string(),
});

export const health = { status: 'ok' as const, version: VERSION };
