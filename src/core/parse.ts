import type { z } from 'zod';
import { MemoryError } from './errors.js';
import { checkSafeInput } from './safe-input.js';

/**
 * Parses a value that crossed a boundary. On failure throws INVALID_INPUT whose message names the field and
 * what is wrong, e.g. `start episode: task: task must not be empty`. Before the schema, the raw value is checked
 * for what storage would change or later code could not handle (see `checkSafeInput`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  checkSafeInput(value, what);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${path}${issue.message}`;
  });
  throw new MemoryError('INVALID_INPUT', `${what}: ${issues.join('; ')}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}
