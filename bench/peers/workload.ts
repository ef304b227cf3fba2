import type { WebarenaTask } from '../../eval/webarena.js';
import { seededRandom, shuffled } from './stats.js';

/** One stored memory: an intent (verbatim or varied) with the template it was made from. */
export interface Memory {
  name: string;
  text: string;
  site: string;
  templateId: number;
}

export interface SearchQuery {
  text: string;
  templateId: number;
}

export interface McpWorkload {
  memories: Memory[];
  queries: SearchQuery[];
}

const PREFIXES = ['Again: ', 'Please ', 'Once more, ', 'Task: ', 'Quickly, '];

/**
 * The queries are `queryCount` intents whose template keeps at least one other intent in the store; they are
 * never stored (nor varied), so a search cannot find itself. The other intents are stored once verbatim, in a
 * seeded order, then cycled with variations (numbers redrawn, or a prefix when there is none) up to `n`.
 */
export function mcpWorkload(
  tasks: readonly WebarenaTask[],
  n: number,
  queryCount: number,
  seed = 7,
): McpWorkload {
  const random = seededRandom(seed);
  const left = new Map<number, number>();
  for (const task of tasks) left.set(task.intentTemplateId, (left.get(task.intentTemplateId) ?? 0) + 1);
  const queried = new Set<WebarenaTask>();
  for (const task of shuffled(tasks, random)) {
    if (queried.size === queryCount) break;
    const count = left.get(task.intentTemplateId) ?? 0;
    if (count < 2) continue;
    left.set(task.intentTemplateId, count - 1);
    queried.add(task);
  }
  const pool = shuffled(
    tasks.filter((t) => !queried.has(t)),
    random,
  );
  const memories: Memory[] = [];
  for (let i = 0; i < n; i++) {
    const base = i < pool.length ? pool[i]! : pool[Math.floor(random() * pool.length)]!;
    memories.push({
      name: `memory-${i}`,
      text: i < pool.length ? base.intent : vary(base.intent, random),
      site: base.sites[0] ?? 'web',
      templateId: base.intentTemplateId,
    });
  }
  const queries = [...queried].map((t) => ({ text: t.intent, templateId: t.intentTemplateId }));
  return { memories, queries };
}

function vary(intent: string, random: () => number): string {
  if (/\d/.test(intent))
    return intent.replace(/\d+/g, (digits) =>
      String(Math.floor(random() * 10 ** digits.length)).padStart(digits.length, '1'),
    );
  return `${PREFIXES[Math.floor(random() * PREFIXES.length)]}${intent}`;
}
