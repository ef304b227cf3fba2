import { readFile } from 'node:fs/promises';
import { describeAction, loadTauRetail, type TauAction, type TauTask } from '../src/datasets/index.js';
import type { EpisodeRecord } from '../src/index.js';
import { browserSteps, type RecordStep } from './browser-steps.js';
import type { Rng } from './rng.js';

/** The webarena fields the bench uses; eval/webarena.ts parses the same file with zod. */
export interface WebarenaIntent {
  sites: string[];
  intent: string;
}

export interface Sources {
  tau: TauTask[];
  webarena: WebarenaIntent[];
  /** First and last names seen in the tau tasks, to swap into generated ones. */
  firstNames: string[];
  lastNames: string[];
}

export async function loadSources(datasets: URL): Promise<Sources> {
  const tau = await loadTauRetail(new URL('tau-retail/tasks.json', datasets));
  const text = await readFile(new URL('webarena-intents/tasks.json', datasets), 'utf8');
  const webarena = (JSON.parse(text) as WebarenaIntent[]).filter((t) => t.intent.length > 0);
  const names = tau.map((t) => t.userId.split('_'));
  return {
    tau,
    webarena,
    firstNames: [...new Set(names.map((n) => capitalise(n[0] ?? 'alex')))],
    lastNames: [...new Set(names.map((n) => capitalise(n[1] ?? 'smith')))],
  };
}

/** One realistic finished episode: about two in three from tau-retail, one in three from webarena. */
export function generateEpisode(sources: Sources, rng: Rng, index: number): EpisodeRecord {
  const startedAt = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
  return rng.next() < 0.65 ? tauEpisode(sources, rng, startedAt) : webEpisode(sources, rng, startedAt);
}

/** A tau task with swapped customer, order and item ids, lookups before its gold actions, some errors. */
function tauEpisode(sources: Sources, rng: Rng, startedAt: string): EpisodeRecord {
  const task = rng.pick(sources.tau);
  const [first, last] = [rng.pick(sources.firstNames), rng.pick(sources.lastNames)];
  const user = `${first.toLowerCase()}_${last.toLowerCase()}_${rng.int(1000, 9999)}`;
  const orders = new Map<string, string>();
  const order = (old: string) => orders.get(old) ?? orders.set(old, `#W${rng.int(1e6, 1e7 - 1)}`).get(old)!;
  const instruction = task.instruction
    .replace(/^Your name is \S+ \S+/, `Your name is ${first} ${last}`)
    .replace(/^You are \S+ \S+/, `You are ${first} ${last}`)
    .replace(/#W\d{7}/g, order)
    .replace(/\b\d{5}\b/g, () => String(rng.int(10000, 99999)));
  const lookups: TauAction[] = [
    { name: 'find_user_id_by_name_zip', kwargs: { first_name: first, last_name: last, zip: '19031' } },
    { name: 'get_user_details', kwargs: { user_id: user } },
  ];
  const actions = [...lookups, ...(task.actions.length > 0 ? task.actions : [rng.pick(lookups)])];
  const steps: RecordStep[] = [];
  for (const action of actions) {
    const kwargs = swapIds(action.kwargs, order, rng, user);
    if (rng.next() < 0.12) {
      steps.push(tauStep(action.name, kwargs, rng, rng.pick(TAU_ERRORS)));
      steps.push(tauStep('get_order_details', { order_id: order('#W0000000') }, rng));
    }
    steps.push(tauStep(action.name, kwargs, rng));
  }
  return {
    task: instruction,
    taskType: 'other',
    context: {
      domain: 'retail',
      complexity: steps.length <= 3 ? 'simple' : 'moderate',
      tags: ['customer-service'],
    },
    tags: ['tau-bench', 'bench'],
    metadata: { source: 'bench', userId: user },
    steps,
    outcome: outcome(rng, steps),
    startedAt,
  };
}

/** A webarena intent with its numbers varied, as a browser task of a few goto/click/type/extract steps. */
function webEpisode(sources: Sources, rng: Rng, startedAt: string): EpisodeRecord {
  const intent = rng.pick(sources.webarena);
  const site = intent.sites[0] ?? 'web';
  const task = intent.intent.replace(/\b\d+\b/g, (n) => String(Math.max(1, Number(n) + rng.int(-3, 3))));
  const steps = browserSteps(site, task, rng);
  return {
    task,
    taskType: 'other',
    context: { domain: site, complexity: steps.length <= 4 ? 'simple' : 'moderate', tags: ['browser'] },
    tags: ['webarena', 'bench'],
    steps,
    outcome: outcome(rng, steps),
    startedAt,
  };
}

const TAU_ERRORS = [
  'Error: order status is not pending',
  'Error: item not found in order',
  'Error: payment method not found',
  'timeout: retail API did not answer in 10 s',
];

function tauStep(tool: string, params: Record<string, unknown>, rng: Rng, error?: string): RecordStep {
  const order = typeof params.order_id === 'string' ? params.order_id : undefined;
  const output = order
    ? JSON.stringify({ order_id: order, status: rng.pick(['pending', 'delivered', 'processed']) })
    : JSON.stringify({ ok: true, tool });
  return {
    tool,
    action: describeAction({ name: tool, kwargs: params }),
    params,
    ...(error ? { error } : { output }),
    latencyMs: rng.int(80, 400) + 40 * Object.keys(params).length,
  };
}

/** ~80% success; the rest fail (more often when a step failed) or end partial. */
function outcome(rng: Rng, steps: readonly RecordStep[]): EpisodeRecord['outcome'] {
  const failed = steps.some((s) => s.error !== undefined);
  const roll = rng.next();
  if (roll < (failed ? 0.7 : 0.83)) return { status: 'success', verdict: 'task completed', artifacts: [] };
  if (roll < 0.93) return { status: 'failure', reason: 'the agent gave up after an error' };
  return {
    status: 'partial',
    verdict: 'part of the request done',
    completed: ['lookup'],
    failed: ['change'],
  };
}

function swapIds(
  kwargs: Record<string, unknown>,
  order: (old: string) => string,
  rng: Rng,
  user: string,
): Record<string, unknown> {
  const ids = (value: unknown) =>
    Array.isArray(value) ? value.map(() => String(rng.int(1e9, 1e10 - 1))) : value;
  const out: Record<string, unknown> = { ...kwargs };
  if (typeof out.order_id === 'string') out.order_id = order(out.order_id);
  if (typeof out.user_id === 'string') out.user_id = user;
  if ('item_ids' in out) out.item_ids = ids(out.item_ids);
  if ('new_item_ids' in out) out.new_item_ids = ids(out.new_item_ids);
  return out;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
