import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EpisodeRecord } from '../src/index.js';
import type { Provider } from './configs.js';
import { log, openMemory, type RunEnvironment, seconds } from './harness.js';

/** For each provider (`null`: none, for BM25), the store files queries run against: one, or one per fold. */
export type StoreSet = Map<Provider | null, string[]>;

/**
 * One store per provider (a store keeps the vectors of one provider only: reindexing with another replaces
 * them), each with every episode imported and embedded. With `folds` (leave-one-out), one store per provider
 * and fold, without that fold's episodes. Episode texts are embedded once and reused across folds.
 */
export async function buildStores(
  dir: string,
  name: string,
  records: readonly EpisodeRecord[],
  env: RunEnvironment,
  folds: ReadonlyArray<ReadonlySet<string>> = [new Set()],
): Promise<StoreSet> {
  // Only for building: memoised episode vectors must not make the timed queries look faster.
  const build: RunEnvironment = { providers: env.providers, memo: new Map() };
  const stores: StoreSet = new Map();
  for (const provider of [null, ...env.providers.keys()]) {
    const started = performance.now();
    const files: string[] = [];
    for (const [f, leaveOut] of folds.entries()) {
      const suffix = folds.length > 1 ? `-fold${f}` : '';
      const db = join(dir, `${name}-${provider ?? 'bm25'}${suffix}.db`);
      await fill(
        db,
        provider,
        records.filter((r) => !leaveOut.has(r.id ?? '')),
        build,
      );
      files.push(db);
    }
    stores.set(provider, files);
    log(`${name}: ${files.length} store(s) for ${provider ?? 'bm25'} built in ${seconds(started)}`);
  }
  return stores;
}

/** Imports the records into a new store and embeds all of them with the provider. */
async function fill(
  db: string,
  provider: Provider | null,
  records: readonly EpisodeRecord[],
  env: RunEnvironment,
): Promise<void> {
  const memory = await openMemory(db, provider, {}, env);
  try {
    const report = await memory.importEpisodes(records);
    if (report.failed.length > 0) {
      const first = report.failed[0]?.error.message;
      throw new Error(`${db}: ${report.failed.length} records failed to import, the first: ${first}`);
    }
    await memory.flush();
    await memory.reindex();
  } finally {
    await memory.close();
  }
}
