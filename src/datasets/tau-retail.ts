import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type Complexity, contentUuid, type EpisodeRecord, MemoryError, parseInput } from '../core/index.js';

/** The tasks file shipped in `data/`; the same depth from `src/datasets` and `dist/datasets`. */
export const TAU_RETAIL_URL = new URL('../../data/tau-retail/tasks.json', import.meta.url);

export const TAU_SPLITS = ['train', 'dev', 'test'] as const;
export type TauSplit = (typeof TAU_SPLITS)[number];

/** The six order-changing tools: the only gold actions of the train split. */
export const TAU_ORDER_ACTIONS = [
  'cancel_pending_order',
  'exchange_delivered_order_items',
  'return_delivered_order_items',
  'modify_pending_order_items',
  'modify_pending_order_address',
  'modify_pending_order_payment',
] as const;

export const TauActionSchema = z.object({
  name: z.string().min(1),
  kwargs: z.record(z.string(), z.unknown()),
});
export type TauAction = z.infer<typeof TauActionSchema>;

export const TauTaskSchema = z.object({
  split: z.enum(TAU_SPLITS),
  userId: z.string(),
  instruction: z.string().min(1),
  actions: z.array(TauActionSchema),
  outputs: z.array(z.string()),
});
export type TauTask = z.infer<typeof TauTaskSchema>;

/**
 * Loads the tau-bench retail tasks (MIT, see `data/README.md`), in file order.
 *
 * @example
 * const train = (await loadTauRetail()).filter((t) => t.split === 'train');
 */
export async function loadTauRetail(source: URL | string = TAU_RETAIL_URL): Promise<TauTask[]> {
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    throw new MemoryError('NOT_FOUND', `cannot read the tau-retail tasks at ${String(source)}`, {
      cause: error,
    });
  }
  return parseInput(z.array(TauTaskSchema), JSON.parse(text), 'tau-retail tasks');
}

/** True when every gold action is one of the six order-changing tools a memory built from train knows. */
export function usesOnlyOrderActions(task: TauTask): boolean {
  const known: readonly string[] = TAU_ORDER_ACTIONS;
  return task.actions.length > 0 && task.actions.every((a) => known.includes(a.name));
}

/**
 * A tau-bench task as an import record: the gold actions become successful steps. Everything is derived from
 * the task and its position in its split, so the same task always gives the same record (and id).
 *
 * @example
 * const records = train.map((task, i) => tauTaskToRecord(task, i));
 * await memory.importEpisodes(records);
 */
export function tauTaskToRecord(task: TauTask, index: number): EpisodeRecord {
  return {
    id: deterministicUuid(`tau-retail:${task.split}:${index}`),
    task: task.instruction,
    taskType: 'other',
    context: { domain: 'retail', complexity: complexityOf(task.actions.length), tags: ['customer-service'] },
    tags: ['tau-bench', `split:${task.split}`],
    metadata: { source: 'tau-bench retail', userId: task.userId, split: task.split },
    steps: task.actions.map((action) => ({
      tool: action.name,
      action: describeAction(action),
      params: action.kwargs,
      success: true,
      latencyMs: 300 + 40 * Object.keys(action.kwargs).length,
    })),
    outcome: { status: 'success', verdict: 'gold actions completed', artifacts: [] },
    startedAt: new Date(Date.UTC(2026, 0, 1) + index * 3_600_000).toISOString(),
  };
}

function complexityOf(actions: number): Complexity {
  if (actions <= 1) return 'simple';
  return actions <= 3 ? 'moderate' : 'complex';
}

/** A short human description of a tool call, e.g. `order #W6067464, 2 items`. */
export function describeAction({ name, kwargs }: TauAction): string {
  const parts: string[] = [];
  const text = (key: string) => (typeof kwargs[key] === 'string' ? (kwargs[key] as string) : undefined);
  const orderId = text('order_id');
  if (orderId) parts.push(`order ${orderId}`);
  if (Array.isArray(kwargs.item_ids)) {
    const n = kwargs.item_ids.length;
    parts.push(`${n} item${n === 1 ? '' : 's'}`);
  }
  if ('address1' in kwargs) parts.push('address');
  if (name === 'modify_pending_order_payment') parts.push('payment');
  const reason = text('reason');
  if (reason) parts.push(`reason: ${reason}`);
  const productId = text('product_id');
  if (productId) parts.push(`product ${productId}`);
  const userId = text('user_id');
  if (userId && !('address1' in kwargs)) parts.push(`user ${userId}`);
  if ('first_name' in kwargs) parts.push('name and zip');
  if ('email' in kwargs) parts.push('email');
  if ('expression' in kwargs) parts.push('an amount');
  if ('summary' in kwargs) parts.push('summary of the case');
  return parts.length > 0 ? parts.join(', ') : name.replace(/_/g, ' ');
}

/** The id of a tau task's record: a content UUID of its split and position (kept under its old name). */
export const deterministicUuid = contentUuid;
