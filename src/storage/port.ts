import type {
  Checkpoint,
  CompletedEpisode,
  Episode,
  Feedback,
  Heuristic,
  Link,
  LinkType,
  MemoryError,
  Pattern,
  Step,
} from '../core/index.js';
import type { StorageBackend, StoredVector } from './storage.js';

/**
 * What a backend provides: its SQL and row mapping, nothing else. The rules (what a completion reads and
 * writes and in which order, what an import does with a bad record, the link-cycle rule, how tags are indexed)
 * are written once in `Store` (store.ts), above this port.
 *
 * A port is bound to one namespace: every read and write it makes stays inside it. Ids of episodes are unique
 * across the whole store (a second namespace cannot reuse one: CONFLICT); patterns and heuristics are keyed by
 * (namespace, key), and learning derives their ids from both, so two namespaces never share a row.
 */
export interface StoragePort extends PortReads {
  readonly kind: string;
  readonly namespace: string;
  /**
   * Runs `fn` in one write transaction and commits it when `fn` resolves; any throw rolls everything back.
   *
   * Isolation the rules need: transactions that lock the same episode (`lockEpisode`) or the same keys
   * (`lockKeys`) run one after the other, and every read inside sees the writes committed before the lock was
   * taken. SQLite gives this by serialising all writers (BEGIN IMMEDIATE); PostgreSQL by row locks and
   * transaction-scoped advisory locks under READ COMMITTED. `fn` may be run again after a transient failure
   * (lock timeout, serialisation failure), so it must not have effects outside the transaction.
   */
  transaction<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  /** The namespaces that hold anything, sorted. */
  namespaces(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The reads, as the storage role states them (backends answer them inside their namespace). The two candidate
 * reads are optional: without them `Store` composes them from the single reads (more round trips).
 */
export type PortReads = Partial<
  Pick<StorageBackend, 'findCandidates' | 'candidateFacts' | 'loadChosen' | 'warmVectors'>
> &
  Pick<
    StorageBackend,
    | 'getEpisode'
    | 'getEpisodes'
    | 'listEpisodes'
    | 'searchEpisodes'
    | 'recentEpisodeIds'
    | 'usedTools'
    | 'toolCounts'
    | 'searchPatterns'
    | 'searchVectors'
    | 'getVectors'
    | 'staleVectorIds'
    | 'countVectors'
    | 'getCachedEmbeddings'
    | 'putCachedEmbeddings'
    | 'writeGeneration'
    | 'getTuning'
    | 'getPattern'
    | 'getPatterns'
    | 'listPatterns'
    | 'getHeuristics'
    | 'listHeuristics'
    | 'listFeedback'
    | 'listCheckpoints'
    | 'listLinks'
    | 'stats'
    | 'progress'
    | 'backup'
  >;

/** What to add to one stored tool count (see `ToolEvidence`). */
export interface ToolCountDelta {
  domain: string;
  feature: string;
  tool: string;
  successes: number;
  failures: number;
}

/** An episode's state as a writer needs it. */
export interface EpisodeHead {
  id: string;
  /** ISO time; null while the episode is in progress. */
  endedAt: string | null;
  stepCount: number;
  /** ISO time of the last step, or of the start when there is none: a later step or the end may not be earlier. */
  lastAt: string;
}

/** The writes of one transaction. Every call stays inside the port's namespace. */
export interface WriteTx {
  /** The episode's head, its row locked until the transaction ends; null when it is not in this namespace. */
  lockEpisode(id: string): Promise<EpisodeHead | null>;
  /** The whole episode with its steps, as this transaction sees it. */
  loadEpisode(id: string): Promise<Episode | null>;
  /**
   * Serialises this transaction against every other that locks one of `keys` (until both end). Call it before
   * reading rows that will be rewritten from what was read (patterns, heuristics, the link graph).
   */
  lockKeys(keys: readonly string[]): Promise<void>;
  /**
   * Runs `fn` in a savepoint. When it throws, its writes are undone and the error comes back (as a MemoryError)
   * while the transaction goes on; it throws only when the transaction itself is lost (a full disk, a dropped
   * connection).
   */
  savepoint<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: MemoryError }>;

  /** The ids among `ids` that an episode of any namespace has (episode ids are unique across the store). */
  takenEpisodeIds(ids: readonly string[]): Promise<Set<string>>;
  /** Inserts the episode with its tags and steps (no outcome yet); CONFLICT when the id is stored anywhere. */
  insertEpisode(episode: Episode): Promise<void>;
  /**
   * Inserts finished episodes in the order given, each stored as `insertEpisode` then `finishEpisode` would
   * store it (tags, steps, outcome, learned ids, full-text entry), in few statements; CONFLICT when an id is
   * stored anywhere.
   */
  insertCompletedEpisodes(episodes: readonly CompletedEpisode[]): Promise<void>;
  /** Appends steps (their `seq` already assigned) and records the last `seq` as the step count. */
  appendSteps(episodeId: string, steps: readonly Step[]): Promise<void>;
  /** Writes the outcome, reward, reflection, summary and learned ids, and indexes the episode for full-text search. */
  finishEpisode(episode: CompletedEpisode): Promise<void>;
  /** Sets the episode's own tags and re-indexes its tags (episode and context tags alike). */
  setTags(episodeId: string, tags: readonly string[], indexed: readonly string[]): Promise<void>;
  /** Deletes the episodes (steps, tags, checkpoints, links, vectors, index rows); returns the ids deleted. */
  deleteEpisodes(ids: readonly string[], options: { completedOnly: boolean }): Promise<string[]>;

  /** Stored patterns with these keys, locked until the end; rows that no longer parse are deleted and left out. */
  patternsByKeys(keys: readonly string[]): Promise<Pattern[]>;
  /** Stored patterns with these ids (rows that do not parse fail with STORAGE_ERROR), locked until the end. */
  patternsByIds(ids: readonly string[]): Promise<Pattern[]>;
  /**
   * Inserts or replaces patterns by key. `previousDescriptions` holds, by id, the description each stored
   * pattern had: a pattern absent from it is new; a changed description re-indexes it and makes its vectors stale.
   */
  upsertPatterns(
    patterns: readonly Pattern[],
    previousDescriptions: ReadonlyMap<string, string>,
  ): Promise<void>;
  /** Stored heuristics with these triggers; rows that no longer parse are deleted and left out. */
  heuristicsByTriggers(triggers: readonly string[]): Promise<Heuristic[]>;
  upsertHeuristics(heuristics: readonly Heuristic[]): Promise<void>;
  /** Adds to the tool counts (counts only add); one entry per (domain, feature, tool), in any order. */
  addToolCounts(counts: readonly ToolCountDelta[]): Promise<void>;

  insertFeedback(feedback: Feedback): Promise<void>;
  insertCheckpoint(checkpoint: Checkpoint): Promise<void>;

  linkExists(link: { from: string; to: string; type: LinkType }): Promise<boolean>;
  /** The `type` links leaving any of `from`, as (from, to) id pairs. */
  linksFrom(from: readonly string[], type: LinkType): Promise<Array<{ from: string; to: string }>>;
  insertLink(link: Link): Promise<void>;
  deleteLink(link: { from: string; to: string; type: LinkType }): Promise<boolean>;

  /** Stores (or replaces) vectors; a backend's approximate index, if any, is kept current with them. */
  putVectors(vectors: readonly StoredVector[]): Promise<void>;
  /** Stores the namespace's tuning, replacing the one before. */
  putTuning(body: string): Promise<void>;
  /** Moves the write generation on (cached retrieval results become stale); call it last in a transaction. */
  bumpGeneration(): Promise<void>;
}
