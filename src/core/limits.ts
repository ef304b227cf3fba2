/** Limits enforced at the facade; every one fails with a coded error and writes nothing. */
export interface MemoryLimits {
  /** Longest task text, in characters. */
  maxTaskChars: number;
  /** Most steps one episode may hold. */
  maxStepsPerEpisode: number;
  /** Longest step output or error message; longer output is truncated with a marker, not rejected. */
  maxStepOutputChars: number;
  /** Largest step params object, in bytes of its JSON. */
  maxParamsBytes: number;
}

/** The default `maxTaskChars`, which the faces also describe and enforce on every task and query text. */
export const MAX_TASK_CHARS = 10_000;

export const DEFAULT_LIMITS: MemoryLimits = {
  maxTaskChars: MAX_TASK_CHARS,
  maxStepsPerEpisode: 1_000,
  maxStepOutputChars: 10_000,
  maxParamsBytes: 1_000_000,
};

/** Cuts text to `max` characters, ending with a marker that says how much was dropped. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `…[truncated ${text.length - max} chars]`;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}
