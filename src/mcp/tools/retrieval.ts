import { z } from 'zod';
import { patternCounts } from '../../core/index.js';
import type { SelfLearningMemory } from '../../memory/index.js';
import {
  FoundEpisodeView,
  FoundPatternView,
  foundEpisodesView,
  foundPatternView,
  HeuristicView,
  heuristicView,
  listHeuristicsArgs,
  PlaybookView,
  playbookInput,
  playbookView,
  RetrievalView,
  recommendPlaybookArgs,
  retrievalView,
  retrieveContextArgs,
  searchEpisodesArgs,
  searchPatternsArgs,
  TuningView,
  tuningView,
} from '../../views/index.js';
import { defineTool, type Tool } from '../tool.js';

const readOnly = { readOnlyHint: true, idempotentHint: true } as const;

/** `seen 3×, 67% success`: the counts a pattern's text shows beside its description. */
const counts = (p: { occurrences: number; success_rate: number }): string =>
  patternCounts({ occurrences: p.occurrences, successRate: p.success_rate });

/** Asking for experience: what happened in similar tasks, what worked, and a plan. */
export function retrievalTools(memory: SelfLearningMemory): Tool[] {
  return [
    defineTool({
      name: 'retrieve_context',
      title: 'Retrieve context for a task',
      description:
        'Call before starting a task. Returns the most relevant past episodes (with a score in 0-1, why each ' +
        'matched, its outcome and reward), the patterns they taught and the heuristics that apply. Read the ' +
        'failures too: they say what to avoid.',
      input: retrieveContextArgs,
      output: RetrievalView.shape,
      annotations: readOnly,
      async run(args) {
        const { task, limit, ...context } = args;
        const found = await memory.retrieve({ task, context, limit });
        const result = retrievalView(found, limit);
        return {
          result,
          text: [
            episodesText(result.episodes),
            ...result.patterns.map(
              (p) => `pattern ${p.pattern_id} (${p.type}): ${p.description} (${counts(p)})`,
            ),
            ...result.heuristics.map((h) => `rule: when ${h.condition}, ${h.action}`),
          ].join('\n'),
        };
      },
    }),
    defineTool({
      name: 'search_episodes',
      title: 'Search episodes',
      description:
        'Finds past episodes by meaning and words (episodes only, no patterns). Use it to look something up ' +
        'mid-task, e.g. an error message you have met before. Returns episodes with score and why.',
      input: searchEpisodesArgs,
      output: { episodes: z.array(FoundEpisodeView) },
      annotations: readOnly,
      async run(args) {
        const found = await memory.retrieve({
          task: args.query,
          context: args.domain ? { domain: args.domain } : {},
          limit: args.limit,
        });
        const episodes = foundEpisodesView(found);
        return { result: { episodes }, text: episodesText(episodes) };
      },
    }),
    defineTool({
      name: 'search_patterns',
      title: 'Search patterns',
      description:
        'Finds learned patterns (tool sequences, decision points, error recoveries, context patterns) by ' +
        'meaning, weighted by how well they worked. Returns each with its success rate, occurrences and why.',
      input: searchPatternsArgs,
      output: { patterns: z.array(FoundPatternView.extend({ why: z.string() })) },
      annotations: readOnly,
      async run(args) {
        const found = await memory.searchPatterns({
          text: args.query,
          ...(args.domain ? { context: { domain: args.domain } } : {}),
          ...(args.type ? { type: args.type } : {}),
          limit: args.limit,
        });
        const patterns = found.map((f) => ({ ...foundPatternView(f), why: f.why }));
        return {
          result: { patterns },
          text:
            patterns.length === 0
              ? 'No pattern matches.'
              : patterns
                  .map((p) => `${p.pattern_id} (${p.type}): ${p.description} (${counts(p)})`)
                  .join('\n'),
        };
      },
    }),
    defineTool({
      name: 'list_heuristics',
      title: 'List heuristics',
      description:
        'Lists the rules learned from past episodes (when <condition>, <action>), most confident first, with ' +
        'their confidence (0-1), how many episodes agreed and disagreed, and the evidence. For the rules that ' +
        'apply to a task, use retrieve_context.',
      input: listHeuristicsArgs,
      output: { heuristics: z.array(HeuristicView) },
      annotations: readOnly,
      async run(args) {
        const heuristics = (
          await memory.listHeuristics({
            limit: args.limit,
            ...(args.domain ? { domain: args.domain } : {}),
            ...(args.min_confidence === undefined ? {} : { minConfidence: args.min_confidence }),
          })
        ).map(heuristicView);
        return {
          result: { heuristics },
          text:
            heuristics.length === 0
              ? 'No heuristics match.'
              : heuristics
                  .map(
                    (h) =>
                      `${h.heuristic_id} (${Math.round(h.confidence * 100)}%, ${h.domain}): when ${h.condition}, ${h.action}`,
                  )
                  .join('\n'),
        };
      },
    }),
    defineTool({
      name: 'recommend_playbook',
      title: 'Recommend a playbook',
      description:
        'Call before starting a task to get a plan from what worked before: ordered steps (tool, action, why), ' +
        'pitfalls, a confidence in 0-1 and the episodes and patterns behind it. Low confidence means little ' +
        'matching experience: treat the steps as hints.',
      input: recommendPlaybookArgs,
      output: PlaybookView.shape,
      annotations: readOnly,
      async run(args) {
        const playbook = playbookView(await memory.playbook(playbookInput(args)));
        return { result: playbook, text: playbookText(playbook) };
      },
    }),
    defineTool({
      name: 'memory_stats',
      title: 'Memory statistics',
      description:
        'Returns what the memory holds: episodes (by outcome and domain), steps, patterns (by type), ' +
        'heuristics, the average reward and the embedding coverage.',
      input: {},
      output: {
        episodes: z.number().int(),
        completed_episodes: z.number().int(),
        steps: z.number().int(),
        patterns: z.number().int(),
        patterns_by_type: z.record(z.string(), z.number()),
        heuristics: z.number().int(),
        by_outcome: z.record(z.string(), z.number()),
        by_domain: z.record(z.string(), z.number()),
        average_reward: z.number().nullable(),
        embeddings: z
          .object({ provider: z.string(), embedded_episodes: z.number(), stale_episodes: z.number() })
          .nullable(),
        tuning: TuningView,
      },
      annotations: readOnly,
      async run() {
        const stats = await memory.stats();
        const result = {
          episodes: stats.episodes,
          completed_episodes: stats.completedEpisodes,
          steps: stats.steps,
          patterns: stats.patterns,
          patterns_by_type: stats.patternsByType,
          heuristics: stats.heuristics,
          by_outcome: stats.byOutcome,
          by_domain: stats.byDomain,
          average_reward: stats.averageReward,
          embeddings: stats.embeddings
            ? {
                provider: stats.embeddings.provider,
                embedded_episodes: stats.embeddings.episodes,
                stale_episodes: stats.embeddings.staleEpisodes,
              }
            : null,
          tuning: tuningView(stats.tuning),
        };
        return {
          result,
          text:
            `${result.episodes} episodes (${result.completed_episodes} completed), ${result.steps} steps, ` +
            `${result.patterns} patterns, ${result.heuristics} heuristics, average reward ` +
            `${result.average_reward === null ? 'n/a' : result.average_reward.toFixed(2)}.`,
        };
      },
    }),
  ];
}

function episodesText(episodes: ReadonlyArray<z.infer<typeof FoundEpisodeView>>): string {
  if (episodes.length === 0) return 'Nothing relevant in memory yet.';
  return episodes
    .map(
      (e) =>
        `${e.episode_id} [${e.outcome ?? 'open'}${e.reward === null ? '' : ` ${e.reward.toFixed(2)}`}] ` +
        `score ${e.score.toFixed(2)}: ${e.task}\n  why: ${e.why}`,
    )
    .join('\n');
}

export function playbookText(playbook: z.infer<typeof PlaybookView>): string {
  const lines = [`Confidence ${playbook.confidence.toFixed(2)}.`];
  if (playbook.steps.length === 0) lines.push('No steps: no matching experience yet.');
  lines.push(...playbook.steps.map((s, i) => `${i + 1}. ${s.tool}: ${s.action} (${s.why})`));
  for (const pitfall of playbook.pitfalls) lines.push(`Pitfall: ${pitfall}`);
  return lines.join('\n');
}
