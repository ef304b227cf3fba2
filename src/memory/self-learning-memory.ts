import type {
  Checkpoint,
  CheckpointInput,
  CompletedEpisode,
  Episode,
  EpisodeFilterInput,
  EpisodeRecord,
  FeedbackInput,
  Heuristic,
  HeuristicFilterInput,
  Link,
  LinkInput,
  OutcomeInput,
  Pattern,
  PatternFilterInput,
  PlaybookRequest,
  Progress,
  ProgressQuery,
  ResumeInput,
  RetrieveInput,
  StartEpisodeInput,
  Step,
  StepInput,
  UnlinkInput,
} from '../core/index.js';
import {
  EpisodeFilterSchema,
  HeuristicFilterSchema,
  MemoryError,
  normalizeTags,
  OutcomeSchema,
  PatternFilterSchema,
  PatternSearchInputSchema,
  PlaybookInputSchema,
  ProgressQuerySchema,
  parseInput,
  RetrieveInputSchema,
} from '../core/index.js';
import type { Handoff, Playbook } from '../learning/index.js';
import type { FoundPattern, PatternQuery, ReindexProgress, RetrievalResult } from '../retrieval/index.js';
import type { SnapshotInfo } from '../storage/index.js';
import { playbookFor } from './advice.js';
import * as collaboration from './collaboration.js';
import * as interchange from './interchange.js';
import type { MemoryOptions } from './options.js';
import { type MemoryParts, openParts, warmParts } from './parts.js';
import { type PruneOptions, type PruneReport, pruneEpisodes } from './prune.js';
import { restoreMemory } from './restore.js';
import { tuneNamespace } from './self-tuning.js';
import { type MemoryStats, memoryStats } from './stats.js';
import type { TuningRecord } from './tuning.js';
import { prepareEpisode, prepareStep } from './validate.js';

/** What completing an episode learned, as stored. */
export interface CompletionReport {
  episode: CompletedEpisode;
  patterns: Pattern[];
  heuristics: Heuristic[];
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
  readonly #parts: MemoryParts;
  /** `tuning: true` in the options: tune in the background after every `TUNE_EVERY` completions. */
  readonly #autoTune: boolean;
  #closed = false;
  #tuning: Promise<TuningRecord | undefined> | undefined;
  #completedSinceTuning = 0;

  private constructor(parts: MemoryParts, autoTune: boolean) {
    this.#parts = parts;
    this.#autoTune = autoTune;
  }

  /** Opens (and creates or migrates) the store; see `MemoryOptions` for the defaults. */
  static async open(input: MemoryOptions = {}): Promise<SelfLearningMemory> {
    const tuning = (input as { tuning?: unknown } | null)?.tuning;
    return new SelfLearningMemory(await openParts(input), tuning === undefined || tuning === true);
  }

  /** Where this memory's data lives: `sqlite` or `postgres`. */
  get backend(): string {
    return this.#parts.storage.kind;
  }

  /** The namespace this memory reads and writes. */
  get namespace(): string {
    return this.#parts.storage.namespace;
  }

  async startEpisode(input: StartEpisodeInput): Promise<Episode> {
    const { newId, limits } = this.#live;
    const episode = prepareEpisode(input, { newId, nowIso: () => this.#nowIso(), limits });
    await this.#parts.storage.createEpisode(episode);
    return episode;
  }

  /** Records one step; it is committed before the promise resolves. */
  async logStep(episodeId: string, step: StepInput): Promise<Step> {
    const { storage, limits } = this.#live;
    return storage.appendStep(
      episodeId,
      prepareStep(step, this.#nowIso(), limits),
      limits.maxStepsPerEpisode,
    );
  }

  /** Scores the episode, reflects, summarises and learns patterns and heuristics, all in one transaction. */
  async completeEpisode(episodeId: string, outcome: OutcomeInput): Promise<CompletionReport> {
    const { storage, learn } = this.#live;
    const parsed = parseInput(OutcomeSchema, outcome, 'complete episode');
    const report = await storage.completeEpisode(episodeId, parsed, this.#nowIso(), learn);
    // Only the patterns this episode touched can lack a vector (descriptions no longer carry counts): queue
    // them, not a scan of every pattern for stale vectors (2 ms of blocked event loop at 10k episodes).
    this.#parts.indexer?.enqueue('episode', [episodeId]);
    this.#parts.indexer?.enqueue(
      'pattern',
      report.patterns.map((p) => p.id),
    );
    if (this.#autoTune && ++this.#completedSinceTuning >= TUNE_EVERY) {
      this.#completedSinceTuning = 0;
      this.tune().catch((error: unknown) =>
        this.#parts.log(`self-tuning failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    return report;
  }

  /**
   * Asks the memory about its own history and stores the retrieval and playbook settings that serve it best,
   * with the playbook's confidence calibrated on it: each of the newest successful episodes (up to 150) is
   * asked again, with itself left out, and the right answers are the others that used the same distinctive
   * tools. With fewer than 30 such episodes the defaults stay. Every process of the store picks the result up;
   * options set at `open` are never overridden; `stats().tuning` says what was chosen and from how much. Runs
   * in the background after every 25 completions unless `tuning` is `'manual'` or `false`; a call while one
   * runs waits for it. A few seconds of work at most, giving way to other calls between its questions.
   *
   * @example
   * const { note } = (await memory.tune()) ?? {};
   */
  async tune(): Promise<TuningRecord | undefined> {
    const live = this.#live;
    this.#tuning ??= tuneNamespace(live, () => this.#closed).finally(() => {
      this.#tuning = undefined;
    });
    return this.#tuning;
  }

  async getEpisode(id: string): Promise<Episode> {
    const episode = await this.#live.storage.getEpisode(id);
    if (!episode) throw notFound('episode', id);
    return episode;
  }

  /**
   * Episodes by id in one read, in the order given; ids that do not exist (deleted, pruned) are left out. Steps
   * are loaded only when asked: `{ steps: true }`.
   */
  async getEpisodes(ids: readonly string[], options: { steps?: boolean } = {}): Promise<Episode[]> {
    return this.#live.storage.getEpisodes(ids, options);
  }

  /** Newest first unless `order: 'oldest'`; steps are not loaded. */
  async listEpisodes(filter: EpisodeFilterInput = {}): Promise<Episode[]> {
    const { storage } = this.#live;
    const parsed = parseInput(EpisodeFilterSchema, filter, 'list episodes');
    return storage.listEpisodes({
      ...parsed,
      ...(parsed.tags ? { tags: normalizeTags(parsed.tags) } : {}),
    });
  }

  async deleteEpisode(id: string): Promise<void> {
    if (!(await this.#live.storage.deleteEpisode(id))) throw notFound('episode', id);
  }

  /**
   * The past episodes most relevant to a task, each with its score and why, and the patterns and heuristics
   * they taught. BM25 and vector candidates are fused, re-ranked and diversified (see `RetrievalSettings`);
   * episodes not embedded yet are still found by their words.
   */
  async retrieve(input: RetrieveInput): Promise<RetrievalResult> {
    const { retriever, readers } = this.#live;
    const query = parseInput(RetrieveInputSchema, input, 'retrieve');
    return readers ? readers.retrieve(query) : retriever.retrieve(query, false);
  }

  /** Patterns by meaning and words, weighted by how well they worked. */
  async searchPatterns(input: PatternQuery): Promise<FoundPattern[]> {
    const { retriever, readers } = this.#live;
    const query = parseInput(PatternSearchInputSchema, input, 'search patterns');
    return readers ? readers.searchPatterns(query) : retriever.searchPatterns(query);
  }

  /** Ordered steps, pitfalls and a confidence for a task, built from the best matching experience. */
  async playbook(input: PlaybookRequest): Promise<Playbook> {
    const { retriever, readers } = this.#live;
    if (!readers) return playbookFor({ retriever }, input);
    // Checked here, so that bad input gets the same error whichever thread answers.
    return readers.playbook(parseInput(PlaybookInputSchema, input, 'playbook'));
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
    return collaboration.recordFeedback(this.#collaboration(), input);
  }

  /** Leaves a note (and how far it got, 0..1) on an episode in progress; EPISODE_COMPLETED otherwise. */
  async checkpointEpisode(episodeId: string, input: CheckpointInput): Promise<Checkpoint> {
    return collaboration.checkpointEpisode(this.#collaboration(), episodeId, input);
  }

  /** The episode's checkpoints, oldest first. */
  async listCheckpoints(episodeId: string): Promise<Checkpoint[]> {
    return this.#live.storage.listCheckpoints(episodeId);
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
    return collaboration.changeTags(this.#collaboration(), episodeId, tags, 'add');
  }

  async removeTags(episodeId: string, tags: string[]): Promise<Episode> {
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
    return collaboration.linkEpisodes(this.#collaboration(), input);
  }

  /** Removes a link; NOT_FOUND when there is none. */
  async unlinkEpisodes(input: UnlinkInput): Promise<void> {
    await collaboration.unlinkEpisodes(this.#collaboration(), input);
  }

  /** Links from and to the episode, oldest first. */
  async listLinks(episodeId: string): Promise<Link[]> {
    return this.#live.storage.listLinks(episodeId);
  }

  /** Waits until every episode and pattern written so far is embedded. */
  async flush(): Promise<void> {
    await this.#parts.indexer?.flush();
  }

  /**
   * Loads the in-memory search index of the stored vectors now (the embedded file keeps one per process once a
   * namespace holds 4,096 episode vectors; it catches up in the background otherwise, and searches use the exact
   * scan until then). A long-lived process (a server) calls it once at start; it yields to other calls as it
   * goes. Resolves to how many vectors the index holds: 0 without embeddings or on PostgreSQL.
   */
  async warm(): Promise<{ vectors: number }> {
    return warmParts(this.#live);
  }

  /**
   * Embeds every completed episode and pattern that has no vector of the current provider (after a change of
   * provider, or when background embedding failed). Returns how many were embedded.
   */
  async reindex(
    onProgress?: (progress: ReindexProgress) => void,
  ): Promise<{ episodes: number; patterns: number }> {
    const { indexer, retriever } = this.#live;
    if (!indexer) return { episodes: 0, patterns: 0 };
    const result = await indexer.reindex(onProgress);
    retriever.clear();
    return result;
  }

  async listPatterns(filter: PatternFilterInput = {}): Promise<Pattern[]> {
    return this.#live.storage.listPatterns(parseInput(PatternFilterSchema, filter, 'list patterns'));
  }

  async getPattern(id: string): Promise<Pattern> {
    const pattern = await this.#live.storage.getPattern(id);
    if (!pattern) throw notFound('pattern', id);
    return pattern;
  }

  /** Patterns by id in one read, in the order given; ids that do not exist are left out. */
  async getPatterns(ids: readonly string[]): Promise<Pattern[]> {
    return this.#live.storage.getPatterns(ids);
  }

  async getHeuristic(id: string): Promise<Heuristic> {
    const [heuristic] = await this.#live.storage.getHeuristics([id]);
    if (!heuristic) throw notFound('heuristic', id);
    return heuristic;
  }

  async listHeuristics(filter: HeuristicFilterInput = {}): Promise<Heuristic[]> {
    return this.#live.storage.listHeuristics(parseInput(HeuristicFilterSchema, filter, 'list heuristics'));
  }

  /**
   * Stores whole, already finished episodes (the `slmem import` format) and learns from each. A record that
   * fails is reported with its index and leaves nothing behind; the others are stored.
   */
  async importEpisodes(
    records: readonly unknown[],
    options: interchange.ImportOptions = {},
  ): Promise<interchange.ImportReport> {
    const { storage, learn, newId, clock, limits } = this.#live;
    const deps = {
      storage,
      learn,
      newId,
      now: () => clock.now(),
      limits,
      embed: (ids: readonly string[]) => this.#embed(ids),
    };
    return interchange.importEpisodes(deps, records, options);
  }

  /**
   * Completed episodes, oldest first, in the import format: what the agent recorded, not the whole store (see
   * `EpisodeRecordSchema` for what is left out; `backup` copies everything).
   */
  async *exportEpisodes(pageSize = 500): AsyncGenerator<EpisodeRecord> {
    yield* interchange.exportEpisodes(this.#live.storage, pageSize);
  }

  async stats(): Promise<MemoryStats> {
    const live = this.#live;
    if (!live.readers) return memoryStats(live);
    // The counts scan the namespace: a reader makes them. The embedding queue is this thread's.
    const counted = await live.readers.stats();
    return {
      ...counted,
      embeddings: counted.embeddings && { ...counted.embeddings, pending: live.indexer?.pending ?? 0 },
    };
  }

  /**
   * Completed episodes per domain and UTC bucket of their end (`week` unless told; weeks start on Monday), by
   * outcome, with their mean reward: whether the agent is getting better. Empty buckets are left out.
   *
   * @example
   * const { series } = await memory.progress({ bucket: 'month', domain: 'web' });
   * // [{ domain: 'web', start: '2026-11-01', completed: 12, successes: 9, partials: 1, failures: 2,
   * //    abstained: 0, meanReward: 0.71 }]
   */
  async progress(input: ProgressQuery = {}): Promise<Progress> {
    const { storage, readers } = this.#live;
    const query = parseInput(ProgressQuerySchema, input, 'progress');
    return readers ? readers.progress(query) : storage.progress(query);
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
    return this.#live.storage.backup(path);
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
    return restoreMemory(snapshot, options);
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
    const { storage, clock, retriever } = this.#live;
    const report = await pruneEpisodes(storage, options, clock.now());
    if (!report.dryRun && report.deleted.length > 0) retriever.clear();
    return report;
  }

  /** Waits for background embedding, then closes the store and the embedding provider. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      // A tuning in progress stops at its next question (nothing stored).
      await this.#tuning?.catch(() => undefined);
      await this.#parts.readers?.close();
      await this.#parts.indexer?.flush();
    } finally {
      await this.#parts.storage.close();
      await this.#parts.provider?.close?.();
    }
  }

  /** What the collaboration operations need; throws once the memory is closed. */
  #collaboration(): collaboration.CollaborationDeps {
    return {
      storage: this.#live.storage,
      now: () => this.#nowIso(),
      newId: this.#parts.newId,
      playbook: (request) => this.playbook(request),
      startEpisode: (input) => this.startEpisode(input),
    };
  }

  /** Queues stored episodes, and every pattern without a current vector, for background embedding. */
  #embed(episodeIds: readonly string[]): void {
    this.#parts.indexer?.enqueue('episode', episodeIds);
    this.#parts.indexer?.enqueueStalePatterns();
  }

  #nowIso(): string {
    return new Date(this.#parts.clock.now()).toISOString();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The parts, for a call that needs the memory open (INVALID_INPUT once it is closed). */
  get #live(): MemoryParts {
    if (this.#closed) throw new MemoryError('INVALID_INPUT', 'the memory is closed; open a new one');
    return this.#parts;
  }
}

/** Completions between two background tunings (`tuning: true`). */
const TUNE_EVERY = 25;

function notFound(what: string, id: string): MemoryError {
  return new MemoryError('NOT_FOUND', `${what} ${id} does not exist`, { details: { [`${what}Id`]: id } });
}
