import {
  type Checkpoint,
  type CheckpointInput,
  type Clock,
  type CompletedEpisode,
  checkNamespace,
  cryptoRandom,
  DEFAULT_LIMITS,
  type Episode,
  type EpisodeFilterInput,
  EpisodeFilterSchema,
  type EpisodeRecord,
  episodeToRecord,
  type FeedbackInput,
  type Heuristic,
  type Learn,
  type Link,
  type LinkInput,
  MemoryError,
  type MemoryLimits,
  normalizeTags,
  type OutcomeInput,
  OutcomeSchema,
  type Pattern,
  type PatternFilterInput,
  PatternFilterSchema,
  PatternSearchInputSchema,
  PlaybookInputSchema,
  type PlaybookRequest,
  parseInput,
  type ResumeInput,
  type RetrieveInput,
  RetrieveInputSchema,
  type StartEpisodeInput,
  StartEpisodeInputSchema,
  type Step,
  type StepInput,
  systemClock,
  toMemoryError,
  type UnlinkInput,
  uuidV7Generator,
} from '../core/index.js';
import { createEmbeddingProvider, type EmbeddingProvider, withQueryCache } from '../embeddings/index.js';
import {
  buildPlaybook,
  DEFAULT_PLAYBOOK_SETTINGS,
  DEFAULT_REWARD_WEIGHTS,
  type Handoff,
  type Playbook,
  type PlaybookSettings,
  planLearning,
} from '../learning/index.js';
import {
  type FoundPattern,
  type PatternQuery,
  QueryCache,
  type ReindexProgress,
  type RetrievalEnvironment,
  type RetrievalQuery,
  type RetrievalResult,
  type RetrievalSettings,
  resolveRetrievalSettings,
  retrieve,
  searchPatterns,
  VectorIndexer,
} from '../retrieval/index.js';
import {
  openStorage,
  redactUrl,
  type SnapshotInfo,
  type StorageBackend,
  type StorageStats,
  sqlitePath,
  storageKind,
} from '../storage/index.js';
import * as collaboration from './collaboration.js';
import { defaultDbPath, defaultNamespace, type MemoryOptions } from './options.js';
import { checkMemoryOptions } from './options-schema.js';
import { type PruneOptions, type PruneReport, pruneEpisodes } from './prune.js';
import { withContentId } from './record-id.js';
import { checkTask, prepareStep, recordToEpisode } from './validate.js';

/** What completing an episode learned, as stored. */
export interface CompletionReport {
  episode: CompletedEpisode;
  patterns: Pattern[];
  heuristics: Heuristic[];
}

/** What `stats()` reports: the store's counts, the embeddings' coverage and the caches' hit counts. */
export interface MemoryStats extends StorageStats {
  embeddings: {
    provider: string;
    dimensions: number;
    episodes: number;
    patterns: number;
    staleEpisodes: number;
    stalePatterns: number;
    /** Items waiting in this process's background queue. */
    pending: number;
  } | null;
  queryCache: { hits: number; misses: number; size: number };
  queryEmbeddingCache: { hits: number; misses: number };
}

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

/**
 * The memory of an agent: record episodes, learn from them, ask for experience before a new task.
 *
 * @example
 * await using memory = await SelfLearningMemory.open({ db: './memory.db' });
 * const { id } = await memory.startEpisode({ task: 'Fix the failing login test', context: { domain: 'web' } });
 * await memory.logStep(id, { tool: 'bash', action: 'npm test', result: { status: 'error', message: 'AssertionError' } });
 * await memory.logStep(id, { tool: 'edit', action: 'fix token expiry check' });
 * const { episode } = await memory.completeEpisode(id, { status: 'success', verdict: 'tests pass' });
 * const advice = await memory.playbook({ task: 'Login test fails after upgrade', context: { domain: 'web' } });
 */
export class SelfLearningMemory implements AsyncDisposable {
  readonly #storage: StorageBackend;
  readonly #clock: Clock;
  readonly #newId: () => string;
  readonly #limits: MemoryLimits;
  readonly #learn: Learn;
  readonly #settings: RetrievalSettings;
  readonly #playbookSettings: PlaybookSettings;
  readonly #log: (message: string) => void;
  /** The provider as configured, and the same behind an in-memory cache for query texts. */
  readonly #provider: EmbeddingProvider | undefined;
  readonly #queryEmbedder: (EmbeddingProvider & { stats(): { hits: number; misses: number } }) | undefined;
  readonly #indexer: VectorIndexer | undefined;
  readonly #cache: QueryCache<RetrievalResult> | undefined;
  #closed = false;
  #staleChecked = false;

  private constructor(storage: StorageBackend, options: MemoryOptions) {
    this.#storage = storage;
    this.#clock = options.clock ?? systemClock;
    this.#newId = uuidV7Generator(this.#clock, options.random ?? cryptoRandom);
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    const rewardWeights = { ...DEFAULT_REWARD_WEIGHTS, ...options.rewardWeights };
    const namespace = storage.namespace;
    this.#learn = (episode) => planLearning(episode, { rewardWeights, namespace });
    this.#settings = resolveRetrievalSettings(options.retrieval);
    this.#playbookSettings = { ...DEFAULT_PLAYBOOK_SETTINGS, ...options.playbook };
    this.#log = options.log ?? ((message) => process.stderr.write(`slmem: ${message}\n`));
    const embeddings = options.embeddings ?? createEmbeddingProvider();
    this.#provider =
      embeddings === false
        ? undefined
        : 'embed' in embeddings
          ? embeddings
          : createEmbeddingProvider(embeddings);
    this.#queryEmbedder = this.#provider ? withQueryCache(this.#provider) : undefined;
    this.#indexer = this.#provider
      ? new VectorIndexer({ storage, provider: this.#provider, log: this.#log })
      : undefined;
    this.#cache =
      options.queryCache === false
        ? undefined
        : new QueryCache({
            maxEntries: options.queryCache?.maxEntries ?? 500,
            ttlMs: options.queryCache?.ttlMs ?? 60_000,
            clock: this.#clock,
          });
  }

  /** Opens (and creates or migrates) the store; see `MemoryOptions` for the defaults. */
  static async open(input: MemoryOptions = {}): Promise<SelfLearningMemory> {
    const options = checkMemoryOptions(input);
    const namespace = checkNamespace(options.namespace ?? defaultNamespace(), 'namespace');
    const storage =
      options.storage ??
      (await openStorage(options.db ?? defaultDbPath(), {
        namespace,
        sqlite: {
          ...pick(options, ['durability', 'vectorIndex', 'readOnly']),
          ...options.sqlite,
        },
        ...(options.postgres ? { postgres: options.postgres } : {}),
      }));
    return new SelfLearningMemory(storage, options);
  }

  /** Where this memory's data lives: `sqlite` or `postgres`. */
  get backend(): string {
    return this.#storage.kind;
  }

  /** The namespace this memory reads and writes. */
  get namespace(): string {
    return this.#storage.namespace;
  }

  async startEpisode(input: StartEpisodeInput): Promise<Episode> {
    this.#assertOpen();
    const parsed = parseInput(StartEpisodeInputSchema, input, 'start episode');
    checkTask(parsed.task, this.#limits);
    const episode: Episode = {
      id: this.#newId(),
      task: parsed.task,
      taskType: parsed.taskType,
      context: { ...parsed.context, tags: normalizeTags(parsed.context.tags, 'context.tags') },
      tags: normalizeTags(parsed.tags),
      metadata: parsed.metadata,
      startedAt: new Date(this.#clock.now()).toISOString(),
      steps: [],
      patternIds: [],
      heuristicIds: [],
    };
    await this.#storage.createEpisode(episode);
    return episode;
  }

  /** Records one step; it is committed before the promise resolves. */
  async logStep(episodeId: string, step: StepInput): Promise<Step> {
    this.#assertOpen();
    const prepared = prepareStep(step, new Date(this.#clock.now()).toISOString(), this.#limits);
    return this.#storage.appendStep(episodeId, prepared, this.#limits.maxStepsPerEpisode);
  }

  /** Scores the episode, reflects, summarises and learns patterns and heuristics, all in one transaction. */
  async completeEpisode(episodeId: string, outcome: OutcomeInput): Promise<CompletionReport> {
    this.#assertOpen();
    const parsed = parseInput(OutcomeSchema, outcome, 'complete episode');
    const endedAt = new Date(this.#clock.now()).toISOString();
    const report = await this.#storage.completeEpisode(episodeId, parsed, endedAt, this.#learn);
    this.#indexer?.enqueue('episode', [episodeId]);
    this.#indexer?.enqueueStalePatterns();
    return report;
  }

  async getEpisode(id: string): Promise<Episode> {
    this.#assertOpen();
    const episode = await this.#storage.getEpisode(id);
    if (!episode) throw notFound('episode', id);
    return episode;
  }

  /** Newest first unless `order: 'oldest'`; steps are not loaded. */
  async listEpisodes(filter: EpisodeFilterInput = {}): Promise<Episode[]> {
    this.#assertOpen();
    const parsed = parseInput(EpisodeFilterSchema, filter, 'list episodes');
    return this.#storage.listEpisodes({
      ...parsed,
      ...(parsed.tags ? { tags: normalizeTags(parsed.tags) } : {}),
    });
  }

  async deleteEpisode(id: string): Promise<void> {
    this.#assertOpen();
    if (!(await this.#storage.deleteEpisode(id))) throw notFound('episode', id);
  }

  /**
   * The past episodes most relevant to a task, each with its score and why, and the patterns and heuristics
   * they taught. BM25 and vector candidates are fused, re-ranked and diversified (see `RetrievalSettings`);
   * episodes not embedded yet are still found by their words.
   */
  async retrieve(input: RetrieveInput): Promise<RetrievalResult> {
    this.#assertOpen();
    const query = parseInput(RetrieveInputSchema, input, 'retrieve');
    return this.#retrieveCached(query, false);
  }

  /** Patterns by meaning and words, weighted by how well they worked. */
  async searchPatterns(input: PatternQuery): Promise<FoundPattern[]> {
    this.#assertOpen();
    const query = parseInput(PatternSearchInputSchema, input, 'search patterns');
    return searchPatterns(this.#environment(), query);
  }

  /** Ordered steps, pitfalls and a confidence for a task, built from the best matching experience. */
  async playbook(input: PlaybookRequest): Promise<Playbook> {
    this.#assertOpen();
    const request = parseInput(PlaybookInputSchema, input, 'playbook');
    const found = await this.#retrieveCached(
      { task: request.task, context: request.context, limit: 10 },
      true,
    );
    return buildPlaybook({
      task: request.task,
      context: {
        domain: request.context.domain ?? 'general',
        complexity: 'moderate',
        tags: request.context.tags ?? [],
        ...(request.context.language ? { language: request.context.language } : {}),
        ...(request.context.framework ? { framework: request.context.framework } : {}),
      },
      episodes: found.episodes.map(({ episode, score, signals }) => ({
        episode,
        score,
        effectiveness: signals.effectiveness,
      })),
      patterns: found.patterns.map((p) => p.pattern),
      heuristics: found.heuristics.map((h) => h.heuristic),
      model: found.toolModel,
      maxSteps: request.maxSteps,
      settings: this.#playbookSettings,
    });
  }

  /**
   * Reports which recommended patterns an agent applied and whether its task then succeeded: each pattern's
   * `effectiveness` becomes `(helped + 1) / (applied + 2)`, which retrieval and playbooks rank by. Playbook
   * steps are kept with the feedback as a note only. An unknown pattern or episode writes nothing (NOT_FOUND).
   *
   * @example
   * await memory.recordFeedback({ episodeId: id, patternIds: playbook.patternIds, success: true });
   */
  async recordFeedback(input: FeedbackInput): Promise<{ patterns: Pattern[] }> {
    this.#assertOpen();
    return collaboration.recordFeedback(this.#collaboration(), input);
  }

  /** Leaves a note (and how far it got, 0..1) on an episode in progress; EPISODE_COMPLETED otherwise. */
  async checkpointEpisode(episodeId: string, input: CheckpointInput): Promise<Checkpoint> {
    this.#assertOpen();
    return collaboration.checkpointEpisode(this.#collaboration(), episodeId, input);
  }

  /** The episode's checkpoints, oldest first. */
  async listCheckpoints(episodeId: string): Promise<Checkpoint[]> {
    this.#assertOpen();
    return this.#storage.listCheckpoints(episodeId);
  }

  /**
   * What another agent needs to take over an episode: its status, what worked, what failed, the next steps
   * from the playbook for its task (tools already done left out) and the checkpoint notes.
   */
  async getHandoff(episodeId: string): Promise<Handoff> {
    const episode = await this.getEpisode(episodeId);
    return collaboration.getHandoff(this.#collaboration(), episode);
  }

  /**
   * Takes over an episode: one in progress continues as it is (a checkpoint "resumed by <agent>" is added);
   * a completed one starts a new episode with the same task, context and tags that `follows` it.
   *
   * @example
   * const { episode, handoff } = await memory.resumeFromHandoff(id, { agent: 'reviewer' });
   * await memory.logStep(episode.id, { tool: handoff.nextSteps[0]?.tool ?? 'bash' });
   */
  async resumeFromHandoff(
    episodeId: string,
    input: ResumeInput = {},
  ): Promise<{ episode: Episode; handoff: Handoff; resumed: 'same' | 'new' }> {
    const episode = await this.getEpisode(episodeId);
    return collaboration.resumeFromHandoff(this.#collaboration(), episode, input);
  }

  /** Adds tags (normalised like `startEpisode`'s) to an episode, in progress or completed. */
  async addTags(episodeId: string, tags: string[]): Promise<Episode> {
    this.#assertOpen();
    return collaboration.changeTags(this.#collaboration(), episodeId, tags, 'add');
  }

  async removeTags(episodeId: string, tags: string[]): Promise<Episode> {
    this.#assertOpen();
    return collaboration.changeTags(this.#collaboration(), episodeId, tags, 'remove');
  }

  /**
   * Links two episodes: `from` <type> `to`. CONFLICT for a duplicate, and for an ordered type (parent_child,
   * depends_on, follows, blocks) when the link would close a cycle; the message names the cycle.
   *
   * @example
   * await memory.linkEpisodes({ from: fixId, to: bugId, type: 'follows', note: 'same root cause' });
   */
  async linkEpisodes(input: LinkInput): Promise<Link> {
    this.#assertOpen();
    return collaboration.linkEpisodes(this.#collaboration(), input);
  }

  /** Removes a link; NOT_FOUND when there is none. */
  async unlinkEpisodes(input: UnlinkInput): Promise<void> {
    this.#assertOpen();
    await collaboration.unlinkEpisodes(this.#collaboration(), input);
  }

  /** Links from and to the episode, oldest first. */
  async listLinks(episodeId: string): Promise<Link[]> {
    this.#assertOpen();
    return this.#storage.listLinks(episodeId);
  }

  /** Waits until every episode and pattern written so far is embedded. */
  async flush(): Promise<void> {
    await this.#indexer?.flush();
  }

  /**
   * Embeds every completed episode and pattern that has no vector of the current provider (after a change of
   * provider, or when background embedding failed). Returns how many were embedded.
   */
  async reindex(
    onProgress?: (progress: ReindexProgress) => void,
  ): Promise<{ episodes: number; patterns: number }> {
    this.#assertOpen();
    if (!this.#indexer) return { episodes: 0, patterns: 0 };
    const result = await this.#indexer.reindex(onProgress);
    this.#cache?.clear();
    return result;
  }

  async listPatterns(filter: PatternFilterInput = {}): Promise<Pattern[]> {
    this.#assertOpen();
    return this.#storage.listPatterns(parseInput(PatternFilterSchema, filter, 'list patterns'));
  }

  async getPattern(id: string): Promise<Pattern> {
    this.#assertOpen();
    const pattern = await this.#storage.getPattern(id);
    if (!pattern) throw notFound('pattern', id);
    return pattern;
  }

  async listHeuristics(
    filter: { domain?: string; minConfidence?: number; limit?: number } = {},
  ): Promise<Heuristic[]> {
    this.#assertOpen();
    return this.#storage.listHeuristics(filter);
  }

  /**
   * Stores whole, already finished episodes (the `slmem import` format) and learns from each. A record that
   * fails is reported with its index and leaves nothing behind; the others are stored.
   */
  async importEpisodes(records: readonly unknown[], options: ImportOptions = {}): Promise<ImportReport> {
    this.#assertOpen();
    const batchSize = Math.max(1, options.batchSize ?? 100);
    const report: ImportReport = { imported: 0, episodeIds: [], failed: [], skipped: [] };
    const skipConflicts = (options.onConflict ?? 'skip') === 'skip';
    for (let start = 0; start < records.length; start += batchSize) {
      const batch: Array<{ index: number; episode: Episode }> = [];
      records.slice(start, start + batchSize).forEach((record, offset) => {
        const index = start + offset;
        try {
          batch.push({
            index,
            episode: recordToEpisode(withContentId(record), {
              newId: this.#newId,
              now: this.#clock.now(),
              limits: this.#limits,
            }),
          });
        } catch (error) {
          report.failed.push({ index, error: toMemoryError(error).toJSON() });
        }
      });
      const results = await this.#storage.importEpisodes(
        batch.map((b) => b.episode),
        this.#learn,
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
    if (options.embed !== false) {
      this.#indexer?.enqueue('episode', report.episodeIds);
      this.#indexer?.enqueueStalePatterns();
    }
    return report;
  }

  /**
   * Completed episodes, oldest first, in the import format: what the agent recorded, not the whole store (see
   * `EpisodeRecordSchema` for what is left out; `backup` copies everything).
   */
  async *exportEpisodes(pageSize = 500): AsyncGenerator<EpisodeRecord> {
    this.#assertOpen();
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.#storage.listEpisodes({
        completed: true,
        order: 'oldest',
        limit: pageSize,
        offset,
      });
      const full = await this.#storage.getEpisodes(
        page.map((e) => e.id),
        { steps: true },
      );
      for (const episode of full)
        if (episode.outcome) yield episodeToRecord({ ...episode, outcome: episode.outcome });
      if (page.length < pageSize) return;
    }
  }

  async stats(): Promise<MemoryStats> {
    this.#assertOpen();
    const [stored, vectors] = await Promise.all([
      this.#storage.stats(),
      this.#provider ? this.#storage.countVectors(this.#provider.id) : undefined,
    ]);
    return {
      ...stored,
      embeddings:
        this.#provider && vectors
          ? {
              provider: this.#provider.id,
              dimensions: this.#provider.dimensions,
              ...vectors,
              pending: this.#indexer?.pending ?? 0,
            }
          : null,
      queryCache: {
        hits: this.#cache?.hits ?? 0,
        misses: this.#cache?.misses ?? 0,
        size: this.#cache?.size ?? 0,
      },
      queryEmbeddingCache: this.#queryEmbedder?.stats() ?? { hits: 0, misses: 0 },
    };
  }

  /**
   * Writes a consistent snapshot of the whole store to a new file while other processes keep writing: every
   * episode (in progress too), step, pattern, heuristic, feedback, checkpoint, link, vector and tool count.
   * CONFLICT when `path` exists. `SelfLearningMemory.restore` puts it back.
   *
   * @example
   * const { episodes, bytes } = await memory.backup('./memory-2026-11-29.db');
   */
  async backup(path: string): Promise<SnapshotInfo> {
    this.#assertOpen();
    return this.#storage.backup(path);
  }

  /**
   * Restores a snapshot written by `backup` as the database at `options.db` (default as `open`), after checking
   * that it opens and passes SQLite's integrity check. A target holding any episode, pattern or heuristic is only
   * replaced with `force: true` (CONFLICT otherwise). No memory may have the target open meanwhile.
   *
   * @example
   * await SelfLearningMemory.restore('./memory-2026-11-29.db', { db: './memory.db', force: true });
   */
  static async restore(
    snapshot: string,
    options: { db?: string; force?: boolean } = {},
  ): Promise<SnapshotInfo> {
    const db = options.db ?? defaultDbPath();
    if (storageKind(db) !== 'sqlite') {
      throw new MemoryError(
        'INVALID_INPUT',
        `restore writes a SQLite file; ${redactUrl(db)} is a PostgreSQL server (use pg_restore there, or slmem import)`,
      );
    }
    const target = sqlitePath(db);
    if (target === ':memory:') {
      throw new MemoryError('INVALID_INPUT', 'cannot restore into an in-memory database');
    }
    const { restoreSnapshot } = await import('../storage/sqlite/index.js');
    return restoreSnapshot(snapshot, target, { force: options.force === true });
  }

  /**
   * Deletes completed episodes older than `olderThan` and, with `maxEpisodes`, the least useful ones beyond
   * that many (lowest reward, then oldest). Episodes in progress are never deleted; patterns and heuristics
   * keep what the deleted episodes taught (see `pruneEpisodes`). `dryRun` reports without deleting.
   *
   * @example
   * const { deleted } = await memory.prune({ olderThan: '90d', keepSuccessful: true, dryRun: true });
   */
  async prune(options: PruneOptions): Promise<PruneReport> {
    this.#assertOpen();
    const report = await pruneEpisodes(this.#storage, options, this.#clock.now());
    if (!report.dryRun && report.deleted.length > 0) this.#cache?.clear();
    return report;
  }

  /** Waits for background embedding, then closes the store and the embedding provider. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#indexer?.flush();
    } finally {
      await this.#storage.close();
      await this.#provider?.close?.();
    }
  }

  #collaboration(): collaboration.CollaborationDeps {
    return {
      storage: this.#storage,
      now: () => new Date(this.#clock.now()).toISOString(),
      newId: this.#newId,
      playbook: (request) => this.playbook(request),
      startEpisode: (input) => this.startEpisode(input),
    };
  }

  #environment(): RetrievalEnvironment {
    return {
      storage: this.#storage,
      ...(this.#queryEmbedder ? { embedder: this.#queryEmbedder } : {}),
      settings: this.#settings,
      now: this.#clock.now(),
      log: this.#log,
    };
  }

  /**
   * Says once per process when completed episodes have no vector of the current provider (a provider change,
   * an import with --no-embed, a failed background run): retrieval then uses BM25 alone for them.
   */
  async #warnIfStale(): Promise<void> {
    if (this.#staleChecked || !this.#provider || !this.#indexer) return;
    this.#staleChecked = true;
    const { staleEpisodes } = await this.#storage.countVectors(this.#provider.id);
    const stale = staleEpisodes - this.#indexer.pending;
    if (stale > 0) {
      this.#log(
        `${stale} episodes have no ${this.#provider.id} vectors yet; retrieval finds them by their words only until "slmem reindex" (memory.reindex())`,
      );
    }
  }

  /** Retrieval behind the cache; the key holds the store's write generation, so any write invalidates it. */
  async #retrieveCached(query: RetrievalQuery, steps: boolean): Promise<RetrievalResult> {
    await this.#warnIfStale();
    if (!this.#cache) return retrieve(this.#environment(), query, { steps });
    const generation = await this.#storage.writeGeneration();
    const key = JSON.stringify([
      generation,
      steps,
      query.task.trim().toLowerCase().replace(/\s+/g, ' '),
      query.context,
      query.limit,
    ]);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const result = await retrieve(this.#environment(), query, { steps });
    this.#cache.set(key, result);
    return result;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new MemoryError('INVALID_INPUT', 'the memory is closed; open a new one');
  }
}

function notFound(what: string, id: string): MemoryError {
  return new MemoryError('NOT_FOUND', `${what} ${id} does not exist`, { details: { [`${what}Id`]: id } });
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;
}
