import { createHash } from 'node:crypto';
import { checkSafeInput } from '../core/index.js';

/** JSON with object keys sorted at every depth, so the same record always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * A UUID (version 8, RFC 9562's custom layout) from the SHA-256 of the record's canonical JSON, without its
 * `id`: the same record imported twice gets the same id, so the second import is a conflict, not a copy.
 *
 * @example
 * recordContentId({ task: 'a', outcome: { status: 'success' } }) === recordContentId({ outcome: { status: 'success' }, task: 'a' })
 */
export function recordContentId(record: Record<string, unknown>): string {
  const { id: _id, ...content } = record;
  const bytes = createHash('sha256').update(canonicalJson(content)).digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The record with a content id when it has none; anything that is not a plain object is left for parsing to reject. */
export function withContentId(record: unknown): unknown {
  // Before hashing: canonical JSON recurses, so a record nested thousands deep must be refused first.
  checkSafeInput(record, 'episode record');
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  const fields = record as Record<string, unknown>;
  return fields.id === undefined ? { ...fields, id: recordContentId(fields) } : record;
}
