import {
  contentUuid,
  type Episode,
  type EpisodeRecord,
  episodeToRecord,
  type Learn,
  type MemoryLimits,
  toMemoryError,
} from '../core/index.js';
import { stableStringify } from '../learning/index.js';
import type { StorageBackend } from '../storage/index.js';
import { recordToEpisode } from './validate.js';

export interface ImportOptions {
  /** Episodes per transaction. */
  batchSize?: number;
  /** Queue the imported episodes for background embedding (default true); false leaves them for `reindex`. */
  embed?: boolean;
  onProgress?: (done: number, total: number) => void;
  /**
   * A record whose id is already stored: `skip` (default) leaves the stored episode and reports the record in
   * `skipped`; `fail` reports it in `failed` as CONFLICT. A record without an id gets one derived from its
   * content (`recordContentId`), so importing the same file again after fixing its bad lines adds only those.
   */
  onConflict?: 'skip' | 'fail';
}

export interface ImportReport {
  imported: number;
  episodeIds: string[];
  /** `index` is the position in the input. */
  failed: Array<{ index: number; error: { code: string; message: string } }>;
  /** Records whose id was already stored (`onConflict: 'skip'`); `index` is the position in the input. */
  skipped: Array<{ index: number; episodeId: string }>;
}

/** What importing needs from the facade. */
export interface ImportDeps {
  storage: StorageBackend;
  learn: Learn;
  newId(): string;
  /** The clock's now, in milliseconds. */
  now(): number;
  limits: MemoryLimits;
  /** Queues stored episodes for background embedding. */
  embed(episodeIds: readonly string[]): void;
}

/**
 * Stores whole, already finished episodes (the `slmem import` format) and learns from each, one transaction
 * per batch. A record that fails is reported with its index and leaves nothing behind; the others are stored.
 */
export async function importEpisodes(
  deps: ImportDeps,
  records: readonly unknown[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const report: ImportReport = { imported: 0, episodeIds: [], failed: [], skipped: [] };
  const skipConflicts = (options.onConflict ?? 'skip') === 'skip';
  for (let start = 0; start < records.length; start += batchSize) {
    const batch: Array<{ index: number; episode: Episode }> = [];
    records.slice(start, start + batchSize).forEach((record, offset) => {
      const index = start + offset;
      try {
        // A record without an id gets its content id, drawn once parsing has checked the record (depth, NUL,
        // numbers), so it is hashed safely without walking it a second time.
        const newId = () => recordContentId(record as Record<string, unknown>);
        batch.push({
          index,
          episode: recordToEpisode(record, { newId, now: deps.now(), limits: deps.limits }),
        });
      } catch (error) {
        report.failed.push({ index, error: toMemoryError(error).toJSON() });
      }
    });
    const results = await deps.storage.importEpisodes(
      batch.map((b) => b.episode),
      deps.learn,
    );
    results.forEach((result, i) => {
      const { index, episode } = batch[i]!;
      if (result.ok) {
        report.imported++;
        report.episodeIds.push(result.episode.id);
      } else if (skipConflicts && result.error.code === 'CONFLICT') {
        report.skipped.push({ index, episodeId: episode.id });
      } else {
        report.failed.push({ index, error: result.error.toJSON() });
      }
    });
    options.onProgress?.(Math.min(records.length, start + batchSize), records.length);
  }
  report.failed.sort((a, b) => a.index - b.index);
  if (options.embed !== false) deps.embed(report.episodeIds);
  return report;
}

/** Completed episodes, oldest first, in the import format, read a page at a time. */
export async function* exportEpisodes(
  storage: StorageBackend,
  pageSize = 500,
): AsyncGenerator<EpisodeRecord> {
  for (let offset = 0; ; offset += pageSize) {
    const page = await storage.listEpisodes({ completed: true, order: 'oldest', limit: pageSize, offset });
    const full = await storage.getEpisodes(
      page.map((e) => e.id),
      { steps: true },
    );
    for (const episode of full)
      if (episode.outcome) yield episodeToRecord({ ...episode, outcome: episode.outcome });
    if (page.length < pageSize) return;
  }
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
  return contentUuid(stableStringify(content));
}
