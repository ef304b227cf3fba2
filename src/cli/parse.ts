/** Parsers for flag values: each throws INVALID_INPUT saying which flag and what to write instead. */
import { MemoryError } from '../core/index.js';

function invalid(message: string): MemoryError {
  return new MemoryError('INVALID_INPUT', message);
}

/** A whole number within bounds, for `argParser`. */
export function integer(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      throw invalid(`${flag} must be a whole number ${range}, got "${value}"`);
    }
    return n;
  };
}

/** A finite number ≥ `min` (milliseconds may be fractional). */
export function number(flag: string, min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < min) {
      throw invalid(`${flag} must be a number ≥ ${min}, got "${value}"`);
    }
    return n;
  };
}

/** One of a closed set of values; the message lists them. */
export function choice<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw invalid(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  };
}

/** A comma-separated list, blanks dropped: `a, b,,c` → `['a', 'b', 'c']`. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A JSON object, e.g. `--params '{"path":"src/a.ts"}'`. */
export function jsonObject(flag: string): (value: string) => Record<string, unknown> {
  return (value) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw invalid(`${flag} is not valid JSON (${reason}); pass an object such as '{"path":"src/app.ts"}'`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid(
        `${flag} must be a JSON object such as '{"path":"src/app.ts"}', not ${describeJson(parsed)}`,
      );
    }
    return parsed as Record<string, unknown>;
  };
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** An ISO 8601 date or date-time (`2026-01-31`, `2026-01-31T12:00:00Z`), as a UTC timestamp. */
export function isoDate(flag: string): (value: string) => string {
  return (value) => {
    const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())
      ? Date.parse(value)
      : NaN;
    if (Number.isNaN(ms))
      throw invalid(`${flag} must be an ISO date such as 2026-01-31 or 2026-01-31T12:00:00Z`);
    return new Date(ms).toISOString();
  };
}
