import { checkSafeInput, contentUuid } from '../core/index.js';
import { stableStringify } from '../learning/index.js';

/**
 * A UUID (version 8, RFC 9562's custom layout) from the SHA-256 of the record's canonical JSON, without its
 * `id`: the same record imported twice gets the same id, so the second import is a conflict, not a copy.
 *
 * @example
 * recordContentId({ task: 'a', outcome: { status: 'success' } }) === recordContentId({ outcome: { status: 'success' }, task: 'a' })
 */
export function recordContentId(record: Record<string, unknown>): string {
  const { id: _id, ...content } = record;
  return contentUuid(stableStringify(content));
}

/** The record with a content id when it has none; anything that is not a plain object is left for parsing to reject. */
export function withContentId(record: unknown): unknown {
  // Before hashing: a record nested past the limit is refused here with the same error as everywhere else.
  checkSafeInput(record, 'episode record');
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  const fields = record as Record<string, unknown>;
  return fields.id === undefined ? { ...fields, id: recordContentId(fields) } : record;
}
