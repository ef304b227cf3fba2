import {
  loadTauRetail,
  TAU_ORDER_ACTIONS,
  type TauSplit,
  type TauTask,
  tauTaskToRecord,
} from '../src/datasets/index.js';
import type { EpisodeRecord } from '../src/index.js';
import { type Suite, timed } from './harness.js';
import { compareSequences, hitAtK, reciprocalRank } from './metrics.js';

export interface TauQuery {
  text: string;
  /** The task's gold tool names, order-changing actions only. */
  gold: readonly string[];
  /** Train episodes whose order-changing actions are exactly `gold`. */
  relevant: ReadonlySet<string>;
}

/** `pb.*` score the playbook's tool sequence against the gold one. */
export const TAU_METRICS = ['hit@5', 'MRR@10', 'pb.P', 'pb.R', 'pb.F1', 'pb.exact'] as const;

const ORDER_ACTIONS: ReadonlySet<string> = new Set(TAU_ORDER_ACTIONS);

export function orderActions(task: TauTask): string[] {
  return task.actions.map((a) => a.name).filter((name) => ORDER_ACTIONS.has(name));
}

export async function loadTau(datasets: URL): Promise<TauTask[]> {
  return loadTauRetail(new URL('tau-retail/tasks.json', datasets));
}

/** The memory: the train split as episodes (the library's own conversion), and each one's action sequence. */
export function tauMemory(tasks: readonly TauTask[]): {
  records: EpisodeRecord[];
  sequences: Map<string, string>;
} {
  const train = tasks.filter((t) => t.split === 'train');
  const records = train.map((task, i) => tauTaskToRecord(task, i));
  const sequences = new Map(records.map((r, i) => [r.id!, key(orderActions(train[i]!))]));
  return { records, sequences };
}

/**
 * The queries of a split: tasks whose gold has at least one order-changing action (the others are `skipped`:
 * a memory of train tasks can never recommend their look-ups). `every` keeps one query in n.
 */
export function tauQueries(
  tasks: readonly TauTask[],
  split: TauSplit,
  sequences: ReadonlyMap<string, string>,
  every = 1,
): { queries: TauQuery[]; skipped: number; answerable: number } {
  const inSplit = tasks.filter((t) => t.split === split);
  const queries = inSplit
    .map((task) => {
      const gold = orderActions(task);
      const relevant = new Set([...sequences].filter(([, seq]) => seq === key(gold)).map(([id]) => id));
      return { text: task.instruction, gold, relevant };
    })
    .filter((q) => q.gold.length > 0)
    .filter((_, i) => i % every === 0);
  const skipped = inSplit.filter((t) => orderActions(t).length === 0).length;
  return { queries, skipped, answerable: queries.filter((q) => q.relevant.size > 0).length };
}

/**
 * Retrieval (hit@5, MRR@10 over the queries with at least one relevant train episode) and the playbook's tool
 * sequence against the gold (multiset precision, recall, F1 and exact match, over every query).
 */
export function tauSuite(queries: readonly TauQuery[], name: string): Suite<TauQuery> {
  const context = { domain: 'retail' };
  return {
    name,
    queries,
    metrics: TAU_METRICS,
    async score(memory, query) {
      const { value, ms } = await timed(() => memory.retrieve({ task: query.text, context, limit: 10 }));
      const ranked = value.episodes.map((e) => e.episode.id);
      const playbook = await memory.playbook({ task: query.text, context });
      const tools = compareSequences(
        playbook.steps.map((s) => s.tool),
        query.gold,
      );
      const retrieval: Record<string, number> =
        query.relevant.size === 0
          ? {}
          : {
              'hit@5': hitAtK(ranked, query.relevant, 5),
              'MRR@10': reciprocalRank(ranked, query.relevant, 10),
            };
      return {
        ms,
        metrics: {
          ...retrieval,
          'pb.P': tools.precision,
          'pb.R': tools.recall,
          'pb.F1': tools.f1,
          'pb.exact': tools.exact,
        },
      };
    },
  };
}

function key(sequence: readonly string[]): string {
  return sequence.join(' > ');
}
