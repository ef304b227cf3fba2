import { z } from 'zod';
import { MemoryError } from './errors.js';

/** The longest tag, once normalised. */
export const MAX_TAG_CHARS = 64;
const TAG_RE = new RegExp(`^[a-z0-9\\-_.:]{1,${MAX_TAG_CHARS}}$`);

/** A tag as the faces take it, before `normalizeTag`: no longer than a valid tag may be. */
export const TagSchema = z
  .string()
  .min(1)
  .max(MAX_TAG_CHARS)
  .describe(`1-${MAX_TAG_CHARS} characters of a-z 0-9 - _ . : (lower-cased; spaces become -)`);

/** Lower-cases, trims and turns inner whitespace into dashes; `null` when the result is not a valid tag. */
export function normalizeTag(raw: string): string | null {
  const tag = raw.trim().toLowerCase().replace(/\s+/g, '-');
  return TAG_RE.test(tag) ? tag : null;
}

/** Normalises, de-duplicates and sorts tags; throws INVALID_INPUT naming the first bad one. */
export function normalizeTags(raw: readonly string[], field = 'tags'): string[] {
  const out = new Set<string>();
  for (const value of raw) {
    const tag = normalizeTag(value);
    if (tag === null) {
      throw new MemoryError(
        'INVALID_INPUT',
        `${field}: "${value.slice(0, 80)}" is not a valid tag; use 1-${MAX_TAG_CHARS} characters of a-z 0-9 - _ . :`,
        { details: { field, value } },
      );
    }
    out.add(tag);
  }
  return [...out].sort();
}
