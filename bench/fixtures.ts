import type { EmbeddingProvider } from '../src/embeddings/index.js';
import { type EpisodeRecord, SelfLearningMemory, type StepInput } from '../src/index.js';
import type { RecordStep } from './browser-steps.js';
import { generateEpisode, type Sources } from './data.js';
import type { Rng } from './rng.js';

export type Embeddings = 'hash' | false | EmbeddingProvider;

/** A memory on the bench store: default durability (`normal`), quiet, result cache on or off. */
export function openBench(db: string, embeddings: Embeddings, cache = false): Promise<SelfLearningMemory> {
  return SelfLearningMemory.open({
    db,
    embeddings: embeddings === 'hash' ? { provider: 'hash' } : embeddings,
    ...(cache ? {} : { queryCache: false }),
    log: () => {},
  });
}

/** Generates `count` episodes continuing from `from` (their start times follow one another). */
export function generate(sources: Sources, rng: Rng, count: number, from = 0): EpisodeRecord[] {
  return Array.from({ length: count }, (_, i) => generateEpisode(sources, rng, from + i));
}

/** Imports records in batches without embedding them; throws when one fails. */
export async function fill(
  memory: SelfLearningMemory,
  records: readonly EpisodeRecord[],
  batchSize: number,
): Promise<void> {
  const report = await memory.importEpisodes(records, { batchSize, embed: false });
  const first = report.failed[0];
  if (first) throw new Error(`${report.failed.length} records failed to import: ${first.error.message}`);
}

/** `count` steps for `logStep`: the record's steps, then more generated episodes' steps, cycled. */
export function stepsFor(record: EpisodeRecord, sources: Sources, rng: Rng, count: number): StepInput[] {
  const pool: RecordStep[] = [...(record.steps ?? [])];
  while (pool.length < count) pool.push(...(generateEpisode(sources, rng, 0).steps ?? []));
  return pool.slice(0, count).map(toStepInput);
}

function toStepInput(step: RecordStep): StepInput {
  const result: StepInput['result'] =
    step.error !== undefined
      ? { status: 'error', message: step.error }
      : { status: 'success', ...(step.output !== undefined ? { output: step.output } : {}) };
  return {
    tool: step.tool,
    action: step.action ?? '',
    params: step.params ?? {},
    result,
    latencyMs: step.latencyMs ?? 0,
  };
}

/** Query texts: the tasks of freshly generated episodes, so none is an exact stored task. */
export function queries(sources: Sources, rng: Rng, count: number): string[] {
  return generate(sources, rng, count).map((r) => r.task);
}
