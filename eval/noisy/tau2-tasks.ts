import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { bankingQuery } from './short-query.js';
import { type Domain, type ToolKind, toolKind } from './tool-kinds.js';

const Requestor = z.enum(['assistant', 'user']);
const ActionSchema = z.object({
  name: z.string().min(1),
  requestor: Requestor,
  arguments: z.record(z.string(), z.unknown()),
  target: z.string().min(1).optional(),
});
const RetailTaskSchema = z.object({
  id: z.string().min(1),
  split: z.enum(['train', 'test']),
  reasonForCall: z.string().min(1),
  actions: z.array(ActionSchema),
});
const BankingTaskSchema = z.object({
  id: z.string().min(1),
  instructions: z.string().min(1),
  actions: z.array(ActionSchema),
});
type Action = z.infer<typeof ActionSchema>;

/** One gold tool call as a step: discoverable calls are named by the tool they actually run. */
export interface GoldStep {
  tool: string;
  kind: ToolKind;
  params: Record<string, unknown>;
  requestor: 'assistant' | 'user';
}

/** A tau2 task, the same shape for both datasets: what the customer says first and the gold steps. */
export interface NoisyTask {
  id: string;
  domain: Domain;
  split: 'train' | 'test';
  /** The text an agent is asked with: `reasonForCall` (retail) or the short query (banking). */
  query: string;
  steps: GoldStep[];
}

/** The fixed seed of the banking split, so that `--seed` changes the runs but not which tasks are held out. */
export const BANKING_SPLIT_SEED = 8;
/** Share of banking tasks in train. */
export const BANKING_TRAIN_SHARE = 0.65;

/**
 * Loads tau2-retail (`split` as given: train 74 / test 40), parsed with zod.
 *
 * @example
 * const tasks = await loadTau2Retail(new URL('tau2-retail/tasks.json', datasets));
 */
export async function loadTau2Retail(file: URL): Promise<NoisyTask[]> {
  const raw = z.array(RetailTaskSchema).parse(JSON.parse(await readFile(file, 'utf8')));
  return raw.map((t) => ({
    id: t.id,
    domain: 'retail',
    split: t.split,
    query: t.reasonForCall.trim(),
    steps: t.actions.map((a) => goldStep('retail', a)),
  }));
}

/**
 * Loads tau2-banking: no split in the file, so a seeded hash of the task id puts about 65 % in train; the
 * query is the short first message `bankingQuery` derives from the instructions.
 */
export async function loadTau2Banking(file: URL, splitSeed = BANKING_SPLIT_SEED): Promise<NoisyTask[]> {
  const raw = z.array(BankingTaskSchema).parse(JSON.parse(await readFile(file, 'utf8')));
  return raw.map((t) => ({
    id: t.id,
    domain: 'banking',
    split: bankingSplit(t.id, splitSeed),
    query: bankingQuery(t.instructions),
    steps: t.actions.map((a) => goldStep('banking', a)),
  }));
}

/** `train` when the seeded FNV-1a hash of the id falls in the first 65 % of the range. */
export function bankingSplit(id: string, seed = BANKING_SPLIT_SEED): 'train' | 'test' {
  return fnv1a(`${seed}:${id}`) / 2 ** 32 < BANKING_TRAIN_SHARE ? 'train' : 'test';
}

/**
 * 32-bit FNV-1a of a string's UTF-16 code units, then the murmur3 finaliser: FNV alone leaves ids that differ
 * in their last character too close in the high bits for an even split.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * A gold action as a step. `call_discoverable_*_tool` becomes its `target` with the arguments it passed
 * (a JSON string in the data, parsed here); `unlock_discoverable_agent_tool` and `give_discoverable_user_tool`
 * stay as preparation steps under their own names.
 */
function goldStep(domain: Domain, action: Action): GoldStep {
  const discoverable = action.name.startsWith('call_discoverable_') && action.target !== undefined;
  const tool = discoverable ? action.target! : action.name;
  const params = discoverable ? innerArguments(action.arguments.arguments) : action.arguments;
  return { tool, kind: toolKind(domain, tool), params, requestor: action.requestor };
}

function innerArguments(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The task's gold write tools, in order, repeats kept. */
export function goldWrites(task: NoisyTask): string[] {
  return task.steps.filter((s) => s.kind === 'write').map((s) => s.tool);
}

/** The distinct write tools, sorted and joined: equal keys = the same gold write set. */
export function writeSetKey(tools: readonly string[]): string {
  return [...new Set(tools)].sort().join(' + ');
}
