import { createHash } from 'node:crypto';
import { type Episode, type Pattern, toMemoryError } from '../core/index.js';
import type { EmbeddingProvider } from '../embeddings/index.js';
import type { StorageBackend, StoredVector, VectorKind } from '../storage/index.js';

/** The text an episode is embedded by: what the task was. */
export function episodeEmbeddingText(episode: Pick<Episode, 'task'>): string {
  return episode.task.slice(0, 2_000);
}

/** The text a pattern is embedded by: its description (tools, context, what it does). */
export function patternEmbeddingText(pattern: Pick<Pattern, 'description'>): string {
  return pattern.description.slice(0, 2_000);
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Stale items listed at once by `reindex`. */
const REINDEX_LISTING = 2048;

export interface IndexerOptions {
  storage: StorageBackend;
  provider: EmbeddingProvider;
  /** Texts per call to the provider. */
  batchSize?: number;
  /** Where background failures are reported (they leave the items stale for `reindex`). */
  log?: (message: string) => void;
}

export interface ReindexProgress {
  kind: VectorKind;
  done: number;
  total: number;
}

/**
 * Embeds episodes and patterns after they are stored, off the write path: `enqueue` returns at once and a
 * background loop drains the queue in batches; `flush` waits for it. Identical texts are embedded once (the
 * store's content-hash cache).
 */
export class VectorIndexer {
  readonly #storage: StorageBackend;
  readonly #provider: EmbeddingProvider;
  readonly #batchSize: number;
  readonly #log: (message: string) => void;
  readonly #pending = { episode: new Set<string>(), pattern: new Set<string>() };
  #draining: Promise<void> | null = null;
  #stalePatterns = false;

  constructor(options: IndexerOptions) {
    this.#storage = options.storage;
    this.#provider = options.provider;
    this.#batchSize = Math.max(1, options.batchSize ?? 32);
    this.#log = options.log ?? ((message) => process.stderr.write(`slmem: ${message}\n`));
  }

  get providerId(): string {
    return this.#provider.id;
  }

  /** The text hash of each pattern vector this process wrote last: a pattern whose text is unchanged is skipped. */
  readonly #written = new Map<string, string>();

  get pending(): number {
    return this.#pending.episode.size + this.#pending.pattern.size;
  }

  /** Schedules these items for embedding; returns at once. */
  enqueue(kind: VectorKind, ids: Iterable<string>): void {
    for (const id of ids) this.#pending[kind].add(id);
    this.#schedule();
  }

  /** Schedules every pattern without a current vector (new ones, and those whose description changed). */
  enqueueStalePatterns(): void {
    this.#stalePatterns = true;
    this.#schedule();
  }

  #schedule(): void {
    this.#draining ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#drain())
      .catch((error: unknown) =>
        this.#log(`embedding stopped; run "slmem reindex" later: ${toMemoryError(error).message}`),
      );
  }

  /** Waits until everything enqueued so far is embedded (or has failed and been reported). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Embeds every completed episode and pattern that has no vector of this provider; returns how many. */
  async reindex(
    onProgress?: (progress: ReindexProgress) => void,
  ): Promise<{ episodes: number; patterns: number }> {
    await this.flush();
    const counts = await this.#storage.countVectors(this.#provider.id);
    const done = { episode: 0, pattern: 0 };
    const totals = { episode: counts.staleEpisodes, pattern: counts.stalePatterns };
    for (const kind of ['episode', 'pattern'] as const) {
      onProgress?.({ kind, done: 0, total: totals[kind] });
      for (;;) {
        // A long listing, embedded in batches: each listing scans past every item already embedded, so short
        // ones made a large reindex quadratic (2,800 listings for 90k episodes).
        const listed = await this.#storage.staleVectorIds({
          kind,
          provider: this.#provider.id,
          limit: REINDEX_LISTING,
        });
        if (listed.length === 0) break;
        let embeddedAny = false;
        for (let i = 0; i < listed.length; i += this.#batchSize) {
          const embedded = await this.#embed(kind, listed.slice(i, i + this.#batchSize));
          if (embedded > 0) embeddedAny = true;
          done[kind] += embedded;
          onProgress?.({ kind, done: done[kind], total: Math.max(totals[kind], done[kind]) });
        }
        // Items that vanished between the listing and the load (deleted) would come back forever; stop on them.
        if (!embeddedAny) break;
      }
    }
    return { episodes: done.episode, patterns: done.pattern };
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        const kind: VectorKind | undefined =
          this.#pending.episode.size > 0 ? 'episode' : this.#pending.pattern.size > 0 ? 'pattern' : undefined;
        if (!kind) {
          if (!this.#stalePatterns) return;
          this.#stalePatterns = false;
          const stale = await this.#storage.staleVectorIds({
            kind: 'pattern',
            provider: this.#provider.id,
            limit: 10_000,
          });
          for (const id of stale) this.#pending.pattern.add(id);
          continue;
        }
        const ids = [...this.#pending[kind]].slice(0, this.#batchSize);
        for (const id of ids) this.#pending[kind].delete(id);
        try {
          await this.#embed(kind, ids, true);
        } catch (error) {
          this.#log(
            `embedding ${ids.length} ${kind}s failed; run "slmem reindex" later: ${toMemoryError(error).message}`,
          );
        }
      }
    } finally {
      this.#draining = null;
    }
  }

  /**
   * Embeds and stores the vectors of these items; returns how many were stored. From the queue
   * (`skipUnchanged`), a pattern whose text this process already embedded is skipped; reindex never skips.
   */
  async #embed(kind: VectorKind, ids: readonly string[], skipUnchanged = false): Promise<number> {
    let texts =
      kind === 'episode'
        ? (await this.#storage.getEpisodes(ids)).map((e) => ({ id: e.id, text: episodeEmbeddingText(e) }))
        : (await this.#storage.getPatterns(ids)).map((p) => ({ id: p.id, text: patternEmbeddingText(p) }));
    if (texts.length === 0) return 0;
    const provider = this.#provider.id;
    let hashes = texts.map((t) => textHash(t.text));
    if (kind === 'pattern' && skipUnchanged) {
      // A completion queues every pattern it touched; most keep their text (and so their vector).
      const changed = texts.map((t, i) => this.#written.get(t.id) !== hashes[i]);
      texts = texts.filter((_, i) => changed[i]);
      hashes = hashes.filter((_, i) => changed[i]);
      if (texts.length === 0) return 0;
    }
    const cached = await this.#storage.getCachedEmbeddings(provider, hashes);
    const missing = [...new Map(texts.map((t, i) => [hashes[i]!, t.text])).entries()].filter(
      ([h]) => !cached.has(h),
    );
    if (missing.length > 0) {
      const vectors = await this.#provider.embed(missing.map(([, text]) => text));
      const fresh = new Map(missing.map(([hash], i) => [hash, vectors[i]!]));
      await this.#storage.putCachedEmbeddings(provider, fresh);
      for (const [hash, vector] of fresh) cached.set(hash, vector);
    }
    const rows: StoredVector[] = texts.map((t, i) => ({
      kind,
      id: t.id,
      provider,
      textHash: hashes[i]!,
      vector: cached.get(hashes[i]!)!,
    }));
    await this.#storage.putVectors(rows);
    if (kind === 'pattern') {
      if (this.#written.size > 50_000) this.#written.clear();
      for (const row of rows) this.#written.set(row.id, row.textHash);
    }
    return rows.length;
  }
}
