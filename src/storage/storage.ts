import type {
  Checkpoint,
  CompletedEpisode,
  Episode,
  Feedback,
  Heuristic,
  Learn,
  LearningResult,
  Link,
  LinkType,
  MemoryError,
  Outcome,
  OutcomeStatus,
  Pattern,
  PatternSort,
  PatternType,
  Progress,
  ProgressBucket,
  Step,
  TaskType,
  ToolCount,
} from '../core/index.js';

export interface EpisodeFilter {
  domain?: string;
  taskType?: TaskType;
  outcome?: OutcomeStatus;
  /** Episodes carrying every one of these tags (episode tags or context tags). */
  tags?: string[];
  /** ISO timestamps bounding `startedAt`, inclusive. */
  since?: string;
  until?: string;
  /** `true`: only completed; `false`: only in progress; absent: both. */
  completed?: boolean;
  /**
   * Words that must all appear in the episode (`filterWords(text)`; none: no match), case-insensitive: a
   * completed episode through the full-text index (whole, stemmed words), one in progress by its task
   * (substrings; it enters the index when it completes).
   */
  text?: string;
  /** By `startedAt`; `newest` unless told. */
  order?: 'newest' | 'oldest';
  limit?: number;
  offset?: number;
}

export interface PatternFilter {
  type?: PatternType;
  domain?: string;
  minOccurrences?: number;
  /** See `PatternFilterSchema`; `occurrences` unless told. */
  sort?: PatternSort;
  limit?: number;
  offset?: number;
}

/** What `progress` counts: completed episodes by domain and UTC bucket of `endedAt`. */
export interface ProgressFilter {
  bucket: ProgressBucket;
  domain?: string;
  /** ISO timestamps bounding `endedAt`, inclusive. */
  since?: string;
  until?: string;
}

export interface HeuristicFilter {
  domain?: string;
  minConfidence?: number;
  limit?: number;
  offset?: number;
}

/** A full-text match: `score` is higher for better matches (BM25, sign flipped). */
export interface LexicalHit {
  id: string;
  score: number;
}

/** What a vector belongs to. */
export type VectorKind = 'episode' | 'pattern';

/** A vector match: `score` is the cosine similarity, in [-1, 1]. */
export interface VectorHit {
  id: string;
  score: number;
}

export interface StoredVector {
  kind: VectorKind;
  id: string;
  /** The embedding provider's id; vectors of different providers are never compared. */
  provider: string;
  /** Hash of the embedded text, to tell whether the vector is still current. */
  textHash: string;
  vector: Float32Array;
}

/**
 * Every source of candidate episodes a retrieval asks for, answered in one call (one round trip to a server).
 * A part left out is not searched.
 */
/**
 * What retrieval's full-text search ranks by: `all` of an episode (task, summary, tools, reflection, weighted in
 * that order) or its `task` alone (what was asked, not what was done).
 */
export type TextIndex = 'all' | 'task';

export interface CandidateQuery {
  /** Full-text search over completed episodes (`index` default `all`). */
  text?: { text: string; limit: number; index?: TextIndex };
  /** Nearest episodes by cosine among the vectors of `provider`. */
  vector?: { provider: string; vector: Float32Array; limit: number };
  /** The newest completed episodes of a domain. */
  recent?: { domain: string; limit: number };
  /** The tool model's counts (as `toolCounts`). */
  toolCounts?: { domain?: string; features: readonly string[] };
}

export interface CandidateHits {
  lexical: LexicalHit[];
  similar: VectorHit[];
  recent: string[];
  toolCounts: ToolCount[];
}

/** What ranking needs of the candidates, loaded in one call. */
export interface CandidateLoad {
  ids: readonly string[];
  /** Also the tools each candidate ran successfully (as `usedTools`). */
  usedTools?: boolean;
  /** Also the candidates' vectors of this provider (for diversity). */
  vectorsOf?: string;
  /** `candidateFacts` only: also the mean effectiveness of each candidate's patterns (default true). */
  effectiveness?: boolean;
}

/** What ranking reads of one candidate: a few columns, never its whole record. */
export interface CandidateFacts {
  id: string;
  domain: string;
  language?: string;
  framework?: string;
  /** The context's tags and the episode's own, as stored. */
  contextTags: string[];
  tags: string[];
  /** The reward's total, or null before completion. */
  reward: number | null;
  /** When it ended (or started, if it has not), in ms since the epoch. */
  at: number;
  /**
   * The mean effectiveness of the patterns it taught, or null when it taught none that still exist; undefined
   * when not asked for (`effectiveness: false`).
   */
  patternEffectiveness?: number | null;
}

export interface LoadedFacts {
  /** In the order of `ids`, missing ones skipped. */
  episodes: CandidateFacts[];
  usedTools: Map<string, string[]>;
  vectors: Map<string, Float32Array>;
}

/** The few episodes a retrieval returns, whole, with the patterns and heuristics they taught. */
export interface ChosenEpisodes {
  /** In the order of `ids`, missing ones skipped. */
  episodes: Episode[];
  patterns: Pattern[];
  heuristics: Heuristic[];
}

/**
 * Records of another store, as that store holds them, for `load`: episodes with their steps (completed ones
 * with their outcome, reward, reflection, summary and learned ids), and what else the namespace holds.
 */
export interface LoadBatch {
  episodes?: readonly Episode[];
  patterns?: readonly Pattern[];
  heuristics?: readonly Heuristic[];
  feedback?: readonly Feedback[];
  /** Of episodes stored before or in this batch; others are skipped. */
  checkpoints?: readonly Checkpoint[];
  /** Between episodes stored before or in this batch; others are skipped. */
  links?: readonly Link[];
}

export type ImportResult = { ok: true; episode: CompletedEpisode } | { ok: false; error: MemoryError };

export interface StorageStats {
  episodes: number;
  completedEpisodes: number;
  steps: number;
  patterns: number;
  patternsByType: Record<PatternType, number>;
  heuristics: number;
  byOutcome: Record<OutcomeStatus, number>;
  byDomain: Record<string, number>;
  averageReward: number | null;
}

/**
 * The role every backend plays (embedded SQLite, PostgreSQL), opened by `openStorage` (open.ts), which picks
 * the backend and applies its migrations; after `close()` no call is valid. `Store` implements it once over a
 * backend's `StoragePort`.
 *
 * Errors: `NOT_FOUND` for a missing episode, `CONFLICT` for a duplicate id, `EPISODE_COMPLETED` for a write
 * to a finished episode, `LIMIT_EXCEEDED` past the step limit, `STORAGE_ERROR` for everything the driver says.
 */
export interface StorageBackend {
  readonly kind: string;
  /** The namespace every call stays inside. */
  readonly namespace: string;
  /** Every namespace that holds anything in this store, sorted. */
  namespaces(): Promise<string[]>;

  createEpisode(episode: Episode): Promise<void>;
  /** Appends a step, assigning `seq` (1, 2, …); committed before it resolves. */
  appendStep(episodeId: string, step: Omit<Step, 'seq'>, maxSteps: number): Promise<Step>;
  /** Sets the outcome, runs `learn` and writes its result, all in one transaction. */
  completeEpisode(
    episodeId: string,
    outcome: Outcome,
    endedAt: string,
    learn: Learn,
  ): Promise<LearningResult>;
  /**
   * Stores whole episodes (steps and outcome included) and learns from each, in one transaction per batch; a
   * failing episode is rolled back alone and reported at its index.
   */
  importEpisodes(episodes: Episode[], learn: Learn): Promise<ImportResult[]>;
  /**
   * Writes records copied from another store exactly as given, in one transaction, learning nothing: what a
   * migration between backends needs. The tool counts are recomputed from the completed episodes (counts of
   * episodes the source had pruned are not in the batch, so not carried over); vectors are not part of it.
   * CONFLICT when an episode id is stored already; INVALID_INPUT for an episode with an outcome but no reward.
   * Moves the write generation.
   */
  load(batch: LoadBatch): Promise<void>;

  getEpisode(id: string): Promise<Episode | null>;
  /** Episodes in the order of `ids`, missing ones skipped; steps only when asked for. */
  getEpisodes(ids: readonly string[], options?: { steps?: boolean }): Promise<Episode[]>;
  /** Newest first; steps are not loaded (empty arrays). */
  listEpisodes(filter: EpisodeFilter): Promise<Episode[]>;
  deleteEpisode(id: string): Promise<boolean>;

  /** Full-text search over completed episodes (task, summary, tools, reflection). */
  searchEpisodes(query: { text: string; limit: number; index?: TextIndex }): Promise<LexicalHit[]>;
  /** Every candidate source of a retrieval in one call; see `CandidateQuery`. */
  findCandidates(query: CandidateQuery): Promise<CandidateHits>;
  /**
   * Loads what this backend keeps in memory to search a provider's vectors (the embedded file's sign index),
   * so that the first searches do not pay for it. Resolves to how many vectors it holds (0 where nothing is kept).
   */
  warmVectors?(query: { provider: string; dims: number }): Promise<number>;
  /** What ranking needs of each candidate (a few columns, its tools, its vector) in one call. */
  candidateFacts(query: CandidateLoad): Promise<LoadedFacts>;
  /** The episodes a retrieval returns, whole (steps if asked), with their patterns and heuristics, in one call. */
  loadChosen(query: { ids: readonly string[]; steps?: boolean }): Promise<ChosenEpisodes>;
  /** Ids of the newest completed episodes, optionally of one domain. */
  recentEpisodeIds(query: { domain?: string; limit: number }): Promise<string[]>;

  /** For each id, the distinct tools the episode ran successfully, sorted (empty for an unknown id). */
  usedTools(ids: readonly string[]): Promise<Map<string, string[]>>;
  /**
   * The tool model's counts for these task features (see `ToolEvidence`): in one domain, or summed over all
   * domains when none is given. The counts are written by `completeEpisode` and `importEpisodes`.
   */
  toolCounts(query: { domain?: string; features: readonly string[] }): Promise<ToolCount[]>;

  /** Full-text search over pattern descriptions and signatures. */
  searchPatterns(query: { text: string; limit: number }): Promise<LexicalHit[]>;

  /** Stores (or replaces) vectors: one per item and provider, so switching providers back loses nothing. */
  putVectors(vectors: readonly StoredVector[]): Promise<void>;
  /**
   * Nearest neighbours by cosine similarity among the vectors of one provider: exact by a scan, or approximate
   * through an index where the backend keeps one (SQLite with `vectorIndex: 'ann'`; PostgreSQL's HNSW index,
   * which its planner uses once the table is large).
   */
  searchVectors(query: {
    kind: VectorKind;
    provider: string;
    vector: Float32Array;
    limit: number;
  }): Promise<VectorHit[]>;
  getVectors(query: {
    kind: VectorKind;
    provider: string;
    ids: readonly string[];
  }): Promise<Map<string, Float32Array>>;
  /**
   * Ids of items with no vector of this provider (completed episodes, or patterns), oldest first. Patterns whose
   * description changed lose their vector on that write, so they come back here.
   */
  staleVectorIds(query: { kind: VectorKind; provider: string; limit: number }): Promise<string[]>;
  countVectors(
    provider: string,
  ): Promise<{ episodes: number; patterns: number; staleEpisodes: number; stalePatterns: number }>;
  /** Content-hash cache of embeddings, so identical texts are embedded once. */
  getCachedEmbeddings(provider: string, textHashes: readonly string[]): Promise<Map<string, Float32Array>>;
  putCachedEmbeddings(provider: string, entries: ReadonlyMap<string, Float32Array>): Promise<void>;
  /** A number that changes with every write that can change a retrieval result. */
  writeGeneration(): Promise<number>;
  /** What the namespace's self-tuning last chose (the memory's JSON), or null before the first tuning. */
  getTuning(): Promise<string | null>;
  /** Stores the namespace's tuning and moves the write generation on, so every process picks it up. */
  putTuning(body: string): Promise<void>;

  getPattern(id: string): Promise<Pattern | null>;
  getPatterns(ids: readonly string[]): Promise<Pattern[]>;
  listPatterns(filter: PatternFilter): Promise<Pattern[]>;
  getHeuristics(ids: readonly string[]): Promise<Heuristic[]>;
  listHeuristics(filter: HeuristicFilter): Promise<Heuristic[]>;

  /**
   * Stores the feedback and replaces each named pattern by `apply(pattern)`, in one transaction: an unknown
   * pattern (NOT_FOUND) or episode (NOT_FOUND) writes nothing. Returns the patterns as stored, in the order
   * named. Moves the write generation.
   */
  recordFeedback(feedback: Feedback, apply: (pattern: Pattern) => Pattern): Promise<Pattern[]>;
  /** Newest first. */
  listFeedback(query: { limit: number }): Promise<Feedback[]>;

  /**
   * Adds a checkpoint to an episode in progress (NOT_FOUND, EPISODE_COMPLETED otherwise); the store fills
   * `stepCount`.
   */
  addCheckpoint(checkpoint: Omit<Checkpoint, 'stepCount'>): Promise<Checkpoint>;
  /** Oldest first; NOT_FOUND for a missing episode. */
  listCheckpoints(episodeId: string): Promise<Checkpoint[]>;

  /** Sets the episode's own tags (already normalised) and returns the episode with its steps. */
  updateTags(
    episodeId: string,
    change: { add: readonly string[]; remove: readonly string[] },
  ): Promise<Episode>;

  /**
   * Adds a link between two existing episodes (NOT_FOUND otherwise). CONFLICT for the same link twice, and for
   * a link of an ordered type (`ORDERED_LINK_TYPES`) that would close a cycle among links of that type.
   */
  addLink(link: Link): Promise<Link>;
  /** `false` when there was no such link. */
  removeLink(link: { from: string; to: string; type: LinkType }): Promise<boolean>;
  /** Links from or to the episode, oldest first; NOT_FOUND for a missing episode. */
  listLinks(episodeId: string): Promise<Link[]>;

  stats(): Promise<StorageStats>;
  /**
   * Completed episodes counted by domain and bucket of their end time (UTC day, week from Monday, month), by
   * outcome, with their mean reward, in one query; sorted by domain, then start.
   */
  progress(filter: ProgressFilter): Promise<Progress>;
  /**
   * Writes a consistent copy of the whole store (every table, vectors and indexes included) to a new file at
   * `target`, while other connections keep writing; CONFLICT when `target` exists.
   */
  backup(target: string): Promise<SnapshotInfo>;
  /**
   * Deletes the given completed episodes (steps, tags, checkpoints, links and vectors with them) in one
   * transaction; episodes in progress and unknown ids are left alone. Patterns, heuristics, feedback and tool
   * evidence stay. Returns the ids deleted.
   */
  deleteCompletedEpisodes(ids: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** A snapshot written by `backup` (or checked before a restore): where, how big, and what it holds. */
export interface SnapshotInfo {
  path: string;
  bytes: number;
  schemaVersion: number;
  episodes: number;
  patterns: number;
  heuristics: number;
}
