import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { deterministicUuid } from '../src/datasets/index.js';
import type { EpisodeRecord } from '../src/index.js';
import { type Suite, timed } from './harness.js';
import { hitAtK, ndcgAtK, reciprocalRank } from './metrics.js';

const WebarenaTaskSchema = z.object({
  taskId: z.number().int().min(0),
  sites: z.array(z.string()),
  intent: z.string().min(1),
  intentTemplateId: z.number().int(),
});
export type WebarenaTask = z.infer<typeof WebarenaTaskSchema>;

export interface WebarenaQuery {
  id: string;
  text: string;
  templateId: number;
  /** The intent's position among its template's intents: queries of one fold run on a store without them. */
  fold: number;
  /** The other intents made from the same template. */
  relevant: ReadonlySet<string>;
}

export const WEBARENA_METRICS = ['hit@1', 'hit@5', 'hit@10', 'MRR@10', 'nDCG@10'] as const;

export async function loadWebarena(datasets: URL): Promise<WebarenaTask[]> {
  const file = new URL('webarena-intents/tasks.json', datasets);
  return z.array(WebarenaTaskSchema).parse(JSON.parse(await readFile(file, 'utf8')));
}

/**
 * An intent as a finished episode without steps. Every episode gets the same timestamp: the ids follow the
 * file, where intents of one template sit together, so spreading them in time would let recency leak it.
 */
export function webarenaRecord(task: WebarenaTask): EpisodeRecord {
  return {
    id: episodeId(task),
    task: task.intent,
    taskType: 'other',
    context: { domain: task.sites[0] ?? 'web' },
    tags: ['webarena'],
    steps: [],
    outcome: { status: 'success', verdict: 'done', artifacts: [] },
    startedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Every intent whose template has at least one other intent is a query; `every` keeps one query in n. */
export function webarenaQueries(tasks: readonly WebarenaTask[], every = 1): WebarenaQuery[] {
  const byTemplate = new Map<number, string[]>();
  for (const task of tasks) {
    const ids = byTemplate.get(task.intentTemplateId) ?? [];
    ids.push(episodeId(task));
    byTemplate.set(task.intentTemplateId, ids);
  }
  return tasks
    .map((task) => {
      const id = episodeId(task);
      const siblings = byTemplate.get(task.intentTemplateId) ?? [];
      const relevant = new Set(siblings.filter((other) => other !== id));
      return {
        id,
        text: task.intent,
        templateId: task.intentTemplateId,
        fold: siblings.indexOf(id),
        relevant,
      };
    })
    .filter((query) => query.relevant.size > 0)
    .filter((_, i) => i % every === 0);
}

/**
 * Leave-one-out folds: fold f holds the f-th intent of each template (10 folds at most), so a query never finds
 * itself while every other intent of its template stays in the store. (With the query itself stored, MMR
 * would push its near-duplicates, the relevant intents, down the list.)
 */
export function webarenaFolds(queries: readonly WebarenaQuery[]): Set<string>[] {
  const count = Math.max(0, ...queries.map((q) => q.fold + 1));
  return Array.from(
    { length: count },
    (_, f) => new Set(queries.filter((q) => q.fold === f).map((q) => q.id)),
  );
}

/** Similar-task retrieval: the query's text only (its site would leak the answer), itself left out. */
export function webarenaSuite(queries: readonly WebarenaQuery[], name = 'webarena'): Suite<WebarenaQuery> {
  return {
    name,
    queries,
    metrics: WEBARENA_METRICS,
    fold: (query) => query.fold,
    async score(memory, query) {
      const { value, ms } = await timed(() => memory.retrieve({ task: query.text, limit: 11 }));
      const ranked = value.episodes
        .map((e) => e.episode.id)
        .filter((id) => id !== query.id)
        .slice(0, 10);
      return {
        ms,
        metrics: {
          'hit@1': hitAtK(ranked, query.relevant, 1),
          'hit@5': hitAtK(ranked, query.relevant, 5),
          'hit@10': hitAtK(ranked, query.relevant, 10),
          'MRR@10': reciprocalRank(ranked, query.relevant, 10),
          'nDCG@10': ndcgAtK(ranked, query.relevant, 10),
        },
      };
    },
  };
}

function episodeId(task: WebarenaTask): string {
  return deterministicUuid(`webarena-intents:${task.taskId}`);
}
