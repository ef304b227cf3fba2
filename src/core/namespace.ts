import { z } from 'zod';
import { MemoryError } from './errors.js';

/** The namespace of a memory that names none, and of everything stored before namespaces existed. */
export const DEFAULT_NAMESPACE = 'default';

/** Letters, digits, `.`, `_` and `-`, starting with a letter or digit; at most 64 characters. */
export const NamespaceSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  message: 'a namespace is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
});

/** The namespace, checked: INVALID_INPUT naming the rule when it breaks it. */
export function checkNamespace(value: unknown, where = 'namespace'): string {
  const parsed = NamespaceSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new MemoryError(
    'INVALID_INPUT',
    `${where} ${JSON.stringify(value)} is not valid: a namespace is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    { details: { field: 'namespace' } },
  );
}
