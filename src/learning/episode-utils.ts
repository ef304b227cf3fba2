import type { Episode, Outcome, Step } from '../core/index.js';

/** An episode with its outcome and end time set: everything learning works on. */
export type EndedEpisode = Episode & { outcome: Outcome; endedAt: string };

/** Most evidence ids kept on a pattern or heuristic; the most recent ones win. */
export const EVIDENCE_CAP = 50;

export function isSuccessStep(step: Step): boolean {
  return step.result.status === 'success';
}

/** Rounds to `decimals` places; anything not finite becomes 0. */
export function round(value: number, decimals = 4): number {
  if (!Number.isFinite(value)) return 0;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function clamp01(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

/** Code-unit comparison: unlike `localeCompare`, the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minText<T extends string>(a: T, b: T): T {
  return compareText(a, b) <= 0 ? a : b;
}

/** Compares ISO timestamps by instant, then by text, so mixed offsets still give a total order. */
export function compareIso(a: string, b: string): number {
  const diff = (Date.parse(a) || 0) - (Date.parse(b) || 0);
  return diff !== 0 ? Math.sign(diff) : compareText(a, b);
}

/** Cuts text to `max` characters, ending with an ellipsis when something was dropped. */
export function cut(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

export function trimAction(action: string): string {
  return action.trim().slice(0, 120);
}

/**
 * A pure function of one string that remembers its last results: learning asks the same question of the same
 * text many times per episode (each step's action and error message, by several extractors) and across
 * episodes. The cache is dropped whole when it holds `size` entries, which costs nothing per call.
 */
export function memoizeText<T>(fn: (text: string) => T, size = 1_024): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const value = fn(text);
    if (cache.size >= size) cache.clear();
    cache.set(text, value);
    return value;
  };
}

const generalized = memoizeText((action) =>
  trimAction(action.replace(/[#@$]?[\p{L}\p{N}_\-.:]*\d{4,}[\p{L}\p{N}_\-.:]*/gu, '<id>')),
);

/**
 * An action as a pattern keeps it: identifiers (a token with a run of 4+ digits, such as `#W6067464` or
 * `req-20260101`) become `<id>`, because a pattern is advice for the next task, not a record of the last one.
 */
export function generalizeAction(action: string): string {
  return generalized(action);
}

/** Union of two evidence lists, sorted ascending (ids are time-ordered), keeping the last `cap`. */
export function mergeEvidence(a: readonly string[], b: readonly string[], cap = EVIDENCE_CAP): string[] {
  // The common case, one new episode joining a stored list (kept sorted by this function), in one pass.
  if (b.length === 1 && isSortedUnique(a)) return insertSorted(a, b[0] as string, cap);
  if (a.length === 1 && isSortedUnique(b)) return insertSorted(b, a[0] as string, cap);
  const all = [...new Set([...a, ...b])].sort(compareText);
  return all.slice(Math.max(0, all.length - cap));
}

function isSortedUnique(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++)
    if (compareText(list[i - 1] as string, list[i] as string) >= 0) return false;
  return true;
}

/** `sorted` with `id` in its place (once), keeping the last `cap`: what the general union gives, cheaper. */
function insertSorted(sorted: readonly string[], id: string, cap: number): string[] {
  let at = sorted.length;
  while (at > 0 && compareText(sorted[at - 1] as string, id) > 0) at--;
  if (at > 0 && sorted[at - 1] === id) return sorted.slice(Math.max(0, sorted.length - cap));
  const all = [...sorted.slice(0, at), id, ...sorted.slice(at)];
  return all.slice(Math.max(0, all.length - cap));
}

/**
 * JSON with object keys sorted, so two deep-equal values give the same string. Iterative: the depth of the
 * value (input-controlled params) never reaches the call stack.
 */
export function stableStringify(value: unknown): string {
  let out = '';
  // Each item is a value to write or a literal piece of text (closing brackets, commas, keys).
  const stack: Array<{ text: string } | { value: unknown }> = [{ value }];
  while (stack.length > 0) {
    const item = stack.pop() as { text: string } | { value: unknown };
    if ('text' in item) {
      out += item.text;
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      const parts: Array<{ text: string } | { value: unknown }> = [{ text: '[' }];
      v.forEach((entry, i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ value: entry });
      });
      parts.push({ text: ']' });
      pushReversed(stack, parts);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, e]) => e !== undefined)
        .sort(([x], [y]) => compareText(x, y));
      const parts: Array<{ text: string } | { value: unknown }> = [{ text: '{' }];
      entries.forEach(([k, e], i) => {
        parts.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` }, { value: e });
      });
      parts.push({ text: '}' });
      pushReversed(stack, parts);
    } else {
      out += JSON.stringify(v) ?? 'null';
    }
  }
  return out;
}

// A loop, not push(...parts): spreading a long array as arguments can itself overflow the stack.
function pushReversed<T>(stack: T[], parts: readonly T[]): void {
  for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i] as T);
}

/** Groups consecutive steps that use the same tool. */
export function groupRepeats(steps: readonly Step[]): Step[][] {
  const groups: Step[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0]?.tool === step.tool) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

/** Tools in order of first use. */
export function distinctTools(steps: readonly Step[]): string[] {
  return [...new Set(steps.map((s) => s.tool))];
}

export function sumLatency(steps: readonly Step[]): number {
  return steps.reduce((sum, s) => sum + (Number.isFinite(s.latencyMs) ? s.latencyMs : 0), 0);
}

/** Milliseconds from start to end; NaN when either timestamp does not parse. */
export function durationMs(episode: EndedEpisode): number {
  return Date.parse(episode.endedAt) - Date.parse(episode.startedAt);
}

/**
 * Index of the step that ends the earliest match of `tools` as a subsequence of `steps[from..]`, preferring a
 * successful final step; -1 when the tools do not appear in order.
 */
export function matchSubsequence(steps: readonly Step[], tools: readonly string[], from: number): number {
  let i = from;
  for (const tool of tools.slice(0, -1)) {
    while (i < steps.length && steps[i]?.tool !== tool) i++;
    if (i >= steps.length) return -1;
    i++;
  }
  const lastTool = tools[tools.length - 1];
  if (lastTool === undefined) return -1;
  const rest = steps.slice(i).map((s, k) => ({ s, k: k + i }));
  const candidates = rest.filter(({ s }) => s.tool === lastTool);
  const best = candidates.find(({ s }) => isSuccessStep(s)) ?? candidates[0];
  return best ? best.k : -1;
}
