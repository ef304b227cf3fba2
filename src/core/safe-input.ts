import { MemoryError } from './errors.js';

/** Deepest nesting of objects and arrays accepted in any input (params included). */
export const MAX_INPUT_DEPTH = 32;
/** Longest step latency accepted: 7 days in milliseconds. */
export const MAX_LATENCY_MS = 604_800_000;
/** Most tokens one step may report. */
export const MAX_TOKENS = 1_000_000_000;

// A lone surrogate is half of a UTF-16 pair; SQLite and JSON turn it into U+FFFD, changing what was stored.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'contains a NUL character (\\u0000); remove it';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (invalid Unicode); remove it';
  return undefined;
}

/**
 * Walks a value that crossed a boundary, before its schema sees it, and throws on what storage would silently
 * change or what later code could not handle: NUL characters and lone surrogates in any string or key,
 * `__proto__` keys (dropped by JSON records), nesting deeper than {@link MAX_INPUT_DEPTH} (LIMIT_EXCEEDED)
 * and numbers that are not finite. Iterative, so input depth never reaches the call stack.
 *
 * @example
 * checkSafeInput({ task: 'a\0b' }, 'start episode'); // throws INVALID_INPUT "start episode: task contains a NUL ..."
 */
export function checkSafeInput(value: unknown, what: string): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string; depth: number };
    const { path, depth } = item;
    const field = path === '' ? 'input' : path;
    const v = item.value;
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) fail('INVALID_INPUT', what, field, `${field} ${problem}`);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail('INVALID_INPUT', what, field, `${field} must be a finite number`);
    } else if (v !== null && typeof v === 'object') {
      // The input object itself is level 0, so a field such as params may hold MAX_INPUT_DEPTH levels.
      if (depth > MAX_INPUT_DEPTH) {
        fail(
          'LIMIT_EXCEEDED',
          what,
          field,
          `${field} is nested deeper than ${MAX_INPUT_DEPTH} levels; flatten it or store a reference`,
        );
      }
      if (Array.isArray(v)) {
        v.forEach((entry, i) => {
          stack.push({ value: entry, path: path === '' ? String(i) : `${path}.${i}`, depth: depth + 1 });
        });
        continue;
      }
      for (const [key, entry] of Object.entries(v)) {
        const keyPath = path === '' ? key : `${path}.${key}`;
        if (key === '__proto__') {
          fail('INVALID_INPUT', what, keyPath, `${keyPath}: the key "__proto__" is not allowed; rename it`);
        }
        const problem = stringProblem(key);
        if (problem) fail('INVALID_INPUT', what, path || 'input', `a key of ${path || 'input'} ${problem}`);
        stack.push({ value: entry, path: keyPath, depth: depth + 1 });
      }
    }
  }
}

function fail(code: 'INVALID_INPUT' | 'LIMIT_EXCEEDED', what: string, field: string, message: string): never {
  throw new MemoryError(code, `${what}: ${message}`, { details: { field } });
}
