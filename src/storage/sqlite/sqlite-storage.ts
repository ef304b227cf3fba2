import { existsSync } from 'node:fs';
import type {
  Checkpoint,
  Episode,
  Feedback,
  Heuristic,
  Link,
  Pattern,
  Progress,
  ToolCount,
} from '../../core/index.js';
import { DEFAULT_NAMESPACE, MemoryError } from '../../core/index.js';
import type { StoragePort, WriteTx } from '../port.js';
import { rowToPattern } from '../rows.js';
import type {
  CandidateHits,
  CandidateLoad,
  CandidateQuery,
  ChosenEpisodes,
  EpisodeFilter,
  HeuristicFilter,
  LexicalHit,
  LoadedFacts,
  PatternFilter,
  ProgressFilter,
  SnapshotInfo,
  StorageStats,
  TextIndex,
  VectorHit,
  VectorKind,
} from '../storage.js';
import { Store } from '../store.js';
import {
  type OpenDatabaseOptions,
  openDatabase,
  type SqliteDatabase,
  type SqliteStatement,
} from './driver.js';
import { MIGRATIONS } from './migrations.js';
import * as ann from './sqlite-ann.js';
import { writeSnapshot } from './sqlite-backup.js';
import * as collab from './sqlite-collaboration.js';
import { openError, toStorageError, writable } from './sqlite-errors.js';
import { progress } from './sqlite-progress.js';
import * as reads from './sqlite-reads.js';
import * as vectors from './sqlite-vectors.js';
import { SqliteTx } from './sqlite-writes.js';

export interface SqliteStorageOptions extends OpenDatabaseOptions {
  /**
   * `exact` (default): vector search scans every vector, exact and fast enough to tens of thousands.
   * `ann`: also keep a DiskANN index per provider (libSQL `libsql_vector_idx`) and search through it.
   */
  vectorIndex?: 'exact' | 'ann';
  /** The namespace every read and write stays in (default `default`). */
  namespace?: string;
}

/**
 * Opens the embedded store at `path` (a file, or `:memory:`), applying migrations. A file this process may
 * not write is opened read-only (reads work, writes fail with STORAGE_ERROR), as is any file with `readOnly`.
 */
export function openSqliteStorage(path: string, options: SqliteStorageOptions = {}): SqliteStorage {
  const readOnly = options.readOnly ?? (path !== ':memory:' && existsSync(path) && !writable(path));
  if (readOnly && path !== ':memory:' && !existsSync(path)) {
    throw new MemoryError('STORAGE_ERROR', `no database at ${path} to open read-only; check the path`);
  }
  let db: SqliteDatabase | undefined;
  try {
    db = openDatabase(path, { ...options, readOnly });
    return new SqliteStorage(db, { ...options, readOnly });
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Already failing: the open error is the one to report.
    }
    throw openError(path, error);
  }
}

/** How long SQLite itself waits for a lock before giving control back (then #retrying waits, asynchronously). */
const LOCK_POLL_MS = 10;
/** How long a call waits for another process's lock in all before it fails with STORAGE_ERROR. */
const LOCK_WAIT_MS = 5_000;

/** The embedded backend: the rules of `Store` over one SQLite (libSQL) file. */
export class SqliteStorage extends Store {
  constructor(db: SqliteDatabase, options: SqlitePortOptions = {}) {
    super(new SqlitePort(db, options));
  }
}

export interface SqlitePortOptions {
  vectorIndex?: 'exact' | 'ann';
  readOnly?: boolean;
  namespace?: string;
}

/** The embedded port: one SQLite (libSQL) file, WAL, one writer at a time. */
export class SqlitePort implements StoragePort {
  readonly kind = 'sqlite';
  readonly namespace: string;
  readonly #db: SqliteDatabase;
  readonly #statements = new Map<string, SqliteStatement>();
  readonly #ann: boolean;
  /** The statement cache as a function, for the query modules. */
  readonly #statement = (sql: string): SqliteStatement => this.#sql(sql);
  readonly #readOnly: boolean;
  readonly #tx: SqliteTx;
  /** Settles when the open transaction ends; reads wait for it (they share the connection). */
  #open: Promise<unknown> = Promise.resolve();
  #inTransaction = false;

  constructor(db: SqliteDatabase, options: SqlitePortOptions = {}) {
    this.#db = db;
    this.#ann = options.vectorIndex === 'ann';
    this.#readOnly = options.readOnly ?? false;
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.#tx = new SqliteTx(
      this.#statement,
      this.namespace,
      { exec: (q) => this.#db.exec(q), inTransaction: () => this.#db.inTransaction !== false },
      this.#ann,
    );
    this.#guard(() => this.#migrate());
    // Writes wait for another process's lock without blocking the event loop: see #retrying.
    if (!this.#readOnly) this.#db.exec(`PRAGMA busy_timeout = ${LOCK_POLL_MS}`);
  }

  /**
   * One write transaction at a time on this connection (others queue), BEGIN IMMEDIATE so the file's write
   * lock is taken up front: two processes never deadlock upgrading a read lock, and every transaction sees
   * every write committed before it.
   */
  async transaction<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const run = this.#open.then(async () => {
      await this.#retrying(() => this.#db.exec('BEGIN IMMEDIATE'));
      this.#inTransaction = true;
      try {
        const result = await fn(this.#tx);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        this.#rollback();
        throw toStorageError(error);
      } finally {
        this.#inTransaction = false;
      }
    });
    this.#open = run.catch(() => undefined);
    return run;
  }

  async namespaces(): Promise<string[]> {
    return this.#read(() =>
      (
        this.#sql(
          `SELECT namespace AS n FROM episodes UNION SELECT namespace FROM patterns
           UNION SELECT namespace FROM feedback ORDER BY 1`,
        ).all() as Array<{ n: string }>
      ).map((r) => r.n),
    );
  }

  /** Every source in one synchronous read: no other call runs in between, and no event-loop hop per source. */
  findCandidates(query: CandidateQuery): Promise<CandidateHits> {
    return this.#read(() => {
      const sql = this.#statement;
      const ns = this.namespace;
      const vector = query.vector;
      return {
        lexical: query.text ? reads.searchEpisodes(sql, ns, query.text) : [],
        similar: vector
          ? ((this.#ann ? ann.searchAnn(sql, ns, { kind: 'episode', ...vector }) : undefined) ??
            vectors.searchVectors(sql, ns, { kind: 'episode', ...vector }, this.#warmLater))
          : [],
        recent: query.recent ? reads.recentEpisodeIds(sql, ns, query.recent) : [],
        toolCounts: query.toolCounts ? reads.toolCounts(sql, ns, query.toolCounts) : [],
      };
    });
  }

  candidateFacts(query: CandidateLoad): Promise<LoadedFacts> {
    return this.#read(() => {
      const sql = this.#statement;
      const ns = this.namespace;
      const { facts, usedTools } = reads.candidateFacts(sql, ns, query.ids, {
        tools: query.usedTools === true,
        effectiveness: query.effectiveness !== false,
      });
      return {
        episodes: facts,
        usedTools,
        vectors: query.vectorsOf
          ? vectors.getVectors(sql, ns, { kind: 'episode', provider: query.vectorsOf, ids: query.ids })
          : new Map(),
      };
    });
  }

  loadChosen(query: { ids: readonly string[]; steps?: boolean }): Promise<ChosenEpisodes> {
    return this.#read(() => {
      const sql = this.#statement;
      const ns = this.namespace;
      const episodes = reads.getEpisodes(sql, ns, query.ids, { steps: query.steps ?? false });
      return {
        episodes,
        patterns: reads.getPatterns(sql, ns, [...new Set(episodes.flatMap((e) => e.patternIds))]),
        heuristics: reads.getHeuristics(sql, ns, [...new Set(episodes.flatMap((e) => e.heuristicIds))]),
      };
    });
  }

  getEpisode(id: string): Promise<Episode | null> {
    return this.#read(() => reads.loadEpisode(this.#statement, this.namespace, id, true));
  }
  getEpisodes(ids: readonly string[], options: { steps?: boolean } = {}): Promise<Episode[]> {
    return this.#read(() => reads.getEpisodes(this.#statement, this.namespace, ids, options));
  }
  listEpisodes(filter: EpisodeFilter): Promise<Episode[]> {
    return this.#read(() => reads.listEpisodes(this.#statement, this.namespace, filter));
  }
  searchEpisodes(query: { text: string; limit: number; index?: TextIndex }): Promise<LexicalHit[]> {
    return this.#read(() => reads.searchEpisodes(this.#statement, this.namespace, query));
  }
  recentEpisodeIds(query: { domain?: string; limit: number }): Promise<string[]> {
    return this.#read(() => reads.recentEpisodeIds(this.#statement, this.namespace, query));
  }
  usedTools(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.#read(() => reads.usedTools(this.#statement, this.namespace, ids));
  }
  toolCounts(query: { domain?: string; features: readonly string[] }): Promise<ToolCount[]> {
    return this.#read(() => reads.toolCounts(this.#statement, this.namespace, query));
  }
  searchPatterns(query: { text: string; limit: number }): Promise<LexicalHit[]> {
    return this.#read(() => reads.searchPatterns(this.#statement, this.namespace, query));
  }
  searchVectors(query: {
    kind: VectorKind;
    provider: string;
    vector: Float32Array;
    limit: number;
  }): Promise<VectorHit[]> {
    return this.#read(
      () =>
        (this.#ann ? ann.searchAnn(this.#statement, this.namespace, query) : undefined) ??
        vectors.searchVectors(this.#statement, this.namespace, query, this.#warmLater),
    );
  }

  /** Catches the sign index of the provider's episode vectors up now, a chunk per event-loop turn. */
  async warmVectors(query: { provider: string; dims: number }): Promise<number> {
    const key = { ns: this.namespace, provider: query.provider, dims: query.dims };
    for (;;) {
      if (this.#closed) return 0;
      const state = await this.#read(() => vectors.warmSignIndex(this.#statement, key));
      if (state.ready) return state.size;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #warming = false;
  #closed = false;

  /**
   * Catches a sign index up with the table in the background, a few thousand rows per event-loop turn (each
   * read waits for this connection's transaction like any other), so a long-lived process searches with it
   * soon; the timer never keeps the process alive.
   */
  readonly #warmLater = (key: vectors.SignIndexKey): void => {
    if (this.#warming || this.#closed) return;
    this.#warming = true;
    const step = () =>
      setTimeout(() => {
        if (this.#closed) return;
        this.#read(() => vectors.warmSignIndex(this.#statement, key)).then(
          ({ ready }) => {
            if (ready || this.#closed) this.#warming = false;
            else step();
          },
          () => {
            this.#warming = false;
          },
        );
      }, 0).unref();
    step();
  };
  getVectors(query: {
    kind: VectorKind;
    provider: string;
    ids: readonly string[];
  }): Promise<Map<string, Float32Array>> {
    return this.#read(() => vectors.getVectors(this.#statement, this.namespace, query));
  }
  staleVectorIds(query: { kind: VectorKind; provider: string; limit: number }): Promise<string[]> {
    return this.#read(() => vectors.staleVectorIds(this.#statement, this.namespace, query));
  }
  countVectors(
    provider: string,
  ): Promise<{ episodes: number; patterns: number; staleEpisodes: number; stalePatterns: number }> {
    return this.#read(() => vectors.countVectors(this.#statement, this.namespace, provider));
  }
  getCachedEmbeddings(provider: string, textHashes: readonly string[]): Promise<Map<string, Float32Array>> {
    return this.#read(() => vectors.getCachedEmbeddings(this.#statement, provider, textHashes));
  }
  async putCachedEmbeddings(provider: string, entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    await this.transaction(async () => vectors.putCachedEmbeddings(this.#statement, provider, entries));
  }
  writeGeneration(): Promise<number> {
    return this.#read(
      () =>
        (
          this.#sql("SELECT CAST(value AS INTEGER) AS g FROM meta WHERE key = 'write_generation'").get() as {
            g: number;
          }
        ).g,
    );
  }
  getTuning(): Promise<string | null> {
    return this.#read(() => {
      const row = this.#sql('SELECT body FROM tuning WHERE namespace = ?').get(this.namespace) as
        | { body: string }
        | undefined;
      return row?.body ?? null;
    });
  }
  getPattern(id: string): Promise<Pattern | null> {
    return this.#read(() => {
      const row = this.#sql('SELECT body FROM patterns WHERE id = ? AND namespace = ?').get(
        id,
        this.namespace,
      ) as { body: string } | undefined;
      return row ? rowToPattern(row.body) : null;
    });
  }
  getPatterns(ids: readonly string[]): Promise<Pattern[]> {
    return this.#read(() => reads.getPatterns(this.#statement, this.namespace, ids));
  }
  listPatterns(filter: PatternFilter): Promise<Pattern[]> {
    return this.#read(() => reads.listPatterns(this.#statement, this.namespace, filter));
  }
  getHeuristics(ids: readonly string[]): Promise<Heuristic[]> {
    return this.#read(() => reads.getHeuristics(this.#statement, this.namespace, ids));
  }
  listHeuristics(filter: HeuristicFilter): Promise<Heuristic[]> {
    return this.#read(() => reads.listHeuristics(this.#statement, this.namespace, filter));
  }
  listFeedback(query: { limit: number }): Promise<Feedback[]> {
    return this.#read(() => collab.listFeedback(this.#statement, this.namespace, query));
  }
  listCheckpoints(episodeId: string): Promise<Checkpoint[]> {
    return this.#read(() => collab.listCheckpoints(this.#statement, this.namespace, episodeId));
  }
  listLinks(episodeId: string): Promise<Link[]> {
    return this.#read(() => collab.listLinks(this.#statement, this.namespace, episodeId));
  }
  stats(): Promise<StorageStats> {
    return this.#read(() => reads.stats(this.#statement, this.namespace));
  }
  progress(filter: ProgressFilter): Promise<Progress> {
    return this.#read(() => progress(this.#statement, this.namespace, filter));
  }
  backup(target: string): Promise<SnapshotInfo> {
    return this.#read(() => writeSnapshot(this.#db, target));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#open;
    // Fold the WAL into the main file now: libsql keeps the file open until its statements are garbage
    // collected, and a copy of the .db alone should still hold every write.
    try {
      this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {
      // Another connection is reading; its own close will checkpoint.
    }
    this.#statements.clear();
    this.#db.close();
  }

  /** A read waits for this connection's open transaction (it would see uncommitted writes) and for locks. */
  async #read<T>(fn: () => T): Promise<T> {
    if (this.#inTransaction) await this.#open;
    return this.#retrying(fn);
  }

  #rollback(): void {
    // SQLite ends the transaction itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM); a ROLLBACK
    // then fails with "no transaction is active", and that error must not hide the one that matters.
    if (this.#db.inTransaction === false) return;
    try {
      this.#db.exec('ROLLBACK');
    } catch {
      // The original error is the one to report.
    }
  }

  #migrate(): void {
    const schemaVersion = () =>
      (this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    const current = schemaVersion();
    if (current > MIGRATIONS.length) {
      throw new MemoryError(
        'STORAGE_ERROR',
        `the database was written by a newer slmem (schema ${current}, this one knows ${MIGRATIONS.length}); upgrade slmem`,
      );
    }
    if (current === MIGRATIONS.length) return;
    if (this.#readOnly) {
      throw new MemoryError(
        'STORAGE_ERROR',
        `the database is read-only and its schema is older (${current}, this slmem needs ${MIGRATIONS.length}); open it once with write access to upgrade it`,
      );
    }
    this.#syncTransaction(() => {
      // Read again under the write lock: another process opening the same new file may have migrated it
      // between the first read and BEGIN IMMEDIATE.
      for (let version = schemaVersion(); version < MIGRATIONS.length; version++) {
        this.#db.exec(MIGRATIONS[version]!);
        this.#db.exec(`PRAGMA user_version = ${version + 1}`);
      }
    });
  }

  #sql(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** The migrations' own transaction, synchronous: nothing else runs on the connection while it opens. */
  #syncTransaction(fn: () => void): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#rollback();
      throw error;
    }
  }

  /**
   * Runs a synchronous storage call; when another process holds the write lock, waits for it without
   * blocking the event loop (SQLite's own busy wait would freeze every other call of a server for up to 5 s),
   * polling with a growing pause for up to LOCK_WAIT_MS. A failed attempt wrote nothing (its transaction
   * rolled back), so trying again is safe.
   */
  async #retrying<T>(fn: () => T): Promise<T> {
    const started = Date.now();
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      try {
        return fn();
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        const busy = typeof code === 'string' && code.startsWith('SQLITE_BUSY');
        if (!busy || Date.now() - started > LOCK_WAIT_MS) throw toStorageError(error);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toStorageError(error);
    }
  }
}
