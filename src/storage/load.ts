import { type Episode, isCompleted, MemoryError, type ToolEvidence } from '../core/index.js';
import { toolEvidenceOf } from '../learning/index.js';
import { toolCountDeltas } from './import.js';
import type { WriteTx } from './port.js';
import type { LoadBatch } from './storage.js';

/**
 * Writes a batch of copied records inside the caller's transaction, as `StorageBackend.load` states: episodes
 * first (so the checkpoints and links of this batch find theirs), then the rest, each exactly as given.
 */
export async function loadBatch(tx: WriteTx, batch: LoadBatch): Promise<void> {
  const evidence: ToolEvidence[] = [];
  for (const episode of batch.episodes ?? []) {
    await tx.insertEpisode(episode);
    if (isCompleted(episode)) {
      await tx.finishEpisode(episode);
      // Counts only add, so recomputing them from these episodes gives the source's counts for them.
      evidence.push(toolEvidenceOf(episode));
    } else if (episode.outcome !== undefined || episode.endedAt !== undefined) {
      throw halfCompleted(episode);
    }
  }
  if (evidence.length > 0) await tx.addToolCounts(toolCountDeltas(evidence));
  if (batch.patterns?.length) await tx.upsertPatterns(batch.patterns, new Map());
  if (batch.heuristics?.length) await tx.upsertHeuristics(batch.heuristics);
  for (const feedback of batch.feedback ?? []) await tx.insertFeedback(feedback);
  for (const checkpoint of batch.checkpoints ?? []) await tx.insertCheckpoint(checkpoint);
  for (const link of batch.links ?? []) await tx.insertLink(link);
}

function halfCompleted(episode: Episode): MemoryError {
  return new MemoryError(
    'INVALID_INPUT',
    `episode ${episode.id} has an outcome or end time but no reward, reflection or summary; it cannot be loaded as stored`,
    { details: { episodeId: episode.id } },
  );
}
