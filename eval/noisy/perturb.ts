import type { Rng } from '../../bench/rng.js';
import type { GoldStep, NoisyTask } from './tau2-tasks.js';

/** Real arguments seen for each tool, so an invented call (a wrong write, an extra look-up) has a real shape. */
export type ArgumentPool = ReadonlyMap<string, ReadonlyArray<Record<string, unknown>>>;

/** Every tool's gold arguments across the given tasks (pass only train tasks to keep test data out). */
export function argumentPool(tasks: readonly NoisyTask[]): ArgumentPool {
  const pool = new Map<string, Array<Record<string, unknown>>>();
  for (const step of tasks.flatMap((t) => t.steps)) {
    const list = pool.get(step.tool) ?? [];
    list.push(step.params);
    pool.set(step.tool, list);
  }
  return pool;
}

/** Distinct tools of the pool's tasks with the given kind, sorted: the domain's write tools, look-ups… */
export function toolsOfKind(tasks: readonly NoisyTask[], kind: GoldStep['kind']): string[] {
  const tools = new Set(tasks.flatMap((t) => t.steps.filter((s) => s.kind === kind).map((s) => s.tool)));
  return [...tools].sort((a, b) => a.localeCompare(b));
}

/** A call of `tool` with arguments drawn from the pool (empty when the pool has never seen it). */
export function borrowParams(pool: ArgumentPool, tool: string, rng: Rng): Record<string, unknown> {
  const seen = pool.get(tool) ?? [];
  return seen.length > 0 ? structuredClone(rng.pick(seen)) : {};
}

/**
 * The same call with one argument changed, as real runs do (another item, a different amount, a changed
 * reason): a digit of an id, an amount by up to ±20 %, the last item of a list dropped, a boolean flipped, or
 * a text swapped for another value the pool has for that key. Unchanged when there is nothing to change.
 *
 * @example
 * perturbParams({ order_id: '#W2378156' }, 'cancel_pending_order', pool, rng); // { order_id: '#W2378153' }
 */
export function perturbParams(
  params: Record<string, unknown>,
  tool: string,
  pool: ArgumentPool,
  rng: Rng,
): Record<string, unknown> {
  const keys = Object.keys(params).filter((k) => params[k] !== null && params[k] !== '');
  if (keys.length === 0) return { ...params };
  const key = rng.pick(keys);
  const value = params[key];
  const others = (pool.get(tool) ?? []).map((p) => p[key]).filter((v) => v !== undefined && v !== value);
  return { ...params, [key]: changed(value, others, rng) };
}

function changed(value: unknown, others: readonly unknown[], rng: Rng): unknown {
  if (typeof value === 'number') return Math.round(value * (0.8 + 0.4 * rng.next()) * 100) / 100;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value))
    return value.length > 1 ? value.slice(0, -1) : value.map((v) => changed(v, [], rng));
  if (typeof value === 'string' && /\d/.test(value)) {
    const positions = [...value].flatMap((c, i) => (/\d/.test(c) ? [i] : []));
    const at = positions[positions.length - 1]!;
    const digit = (Number(value[at]) + rng.int(1, 9)) % 10;
    return `${value.slice(0, at)}${digit}${value.slice(at + 1)}`;
  }
  return others.length > 0 ? structuredClone(rng.pick(others)) : value;
}

const ERRORS: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/order/, ['Error: order not found', 'Error: non-pending order cannot be modified']],
  [/item|product/, ['Error: item not found', 'Error: new item is not available']],
  [/user|verification/, ['Error: user not found', 'Error: verification details do not match']],
  [/card|account|transaction|dispute/, ['Error: account not found', 'Error: invalid transaction id']],
  [/payment|credit|refund/, ['Error: payment method not found', 'Error: insufficient gift card balance']],
];

/**
 * A plausible error message for a failed call of `tool`, by the words of its name; a banking discoverable tool
 * (a name ending in digits) can also fail for not being unlocked.
 */
export function errorMessage(tool: string, rng: Rng): string {
  const fallback = ['Error: invalid arguments', 'Error: missing required argument'];
  if (/_\d+$/.test(tool))
    fallback.push('Error: tool not unlocked, call unlock_discoverable_agent_tool first');
  return rng.pick(ERRORS.find(([pattern]) => pattern.test(tool))?.[1] ?? fallback);
}

/**
 * A short text for the step's `action`: up to two scalar arguments, `order_id #W2378156, reason no longer
 * needed`, or the tool's words when it has none.
 */
export function describeCall(tool: string, params: Record<string, unknown>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || Array.isArray(v))
    .slice(0, 2)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? `${v.length} items` : String(v).slice(0, 40)}`);
  return parts.length > 0 ? parts.join(', ') : tool.replace(/_\d+$/, '').replace(/_/g, ' ');
}
