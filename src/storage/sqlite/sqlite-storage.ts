import { existsSync } from 'node:fs';
import type {
  Checkpoint,
  Episode,
  Feedback,
  Heuristic,
  Learn,
  LearningResult,
  Link,
  LinkType,
  Outcome,
  Pattern,
  Step,
  ToolCount,
} from '../../core/index.js';
import { MemoryError } from '../../core/index.js';
import type {
  EpisodeFilter,
  HeuristicFilter,
  ImportResult,
  LexicalHit,
  PatternFilter,
  SnapshotInfo,
  StorageBackend,
  StorageStats,
  StoredVector,
  VectorHit,
  VectorKind,
} from '../storage.js';
import {
  type OpenDatabaseOptions,
  openDatabase,
  type SqliteDatabase,
  type SqliteStatement,
} from './driver.js';
import { MIGRATIONS } from './migrations.js';
import { rowToPattern } from './rows.js';
import * as ann from './sqlite-ann.js';
import { writeSnapshot } from './sqlite-backup.js';
import * as collab from './sqlite-collaboration.js';
import { openError, toStorageError, writable } from './sqlite-errors.js';
import * as reads from './sqlite-reads.js';
import * as vectors from './sqlite-vectors.js';
import * as writes from './sqlite-writes.js';

export interface SqliteStorageOptions extends OpenDatabaseOptions {
  /**
   * `exact` (default): vector search scans every vector, exact and fast enough to tens of thousands.
   * `ann`: also keep a DiskANN index per provider (libSQL `libsql_vector_idx`) and search through it.
   */
  vectorIndex?: 'exact' | 'ann';
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

/** The embedded backend: one SQLite (libSQL) file, WAL, every write in a transaction of its own. */
export class SqliteStorage implements StorageBackend {
  readonly kind = 'sqlite';
  readonly #db: SqliteDatabase;
  readonly #statements = new Map<string, SqliteStatement>();
  readonly #ann: boolean;
  /** The statement cache as a function, for the query modules. */
  readonly #statement = (sql: string): SqliteStatement => this.#sql(sql);

  readonly #readOnly: boolean;

  constructor(db: SqliteDatabase, options: { vectorIndex?: 'exact' | 'ann'; readOnly?: boolean } = {}) {
    this.#db = db;
    this.#ann = options.vectorIndex === 'ann';
    this.#readOnly = options.readOnly ?? false;
    this.#guard(() => this.#migrate());
    // Writes wait for another process's lock without blocking the event loop: see #retrying.
    if (!this.#readOnly) this.#db.exec(`PRAGMA busy_timeout = ${LOCK_POLL_MS}`);
  }

  async createEpisode(episode: Episode): Promise<void> {
    await this.#retrying(() => this.#transaction(() => writes.insertEpisode(this.#statement, episode)));
  }

  async appendStep(episodeId: string, step: Omit<Step, 'seq'>, maxSteps: number): Promise<Step> {
    return this.#retrying(() =>
      this.#transaction(() => {
        const row = this.#sql('SELECT rid, ended_at, step_count FROM episodes WHERE id = ?').get(episodeId) as
          | { rid: number; ended_at: number | null; step_count: number }
          | undefined;
        if (!row) throw notFound(episodeId);
        if (row.ended_at !== null) {
          throw new MemoryError(
            'EPISODE_COMPLETED',
            `episode ${episodeId} is completed; start a new episode to log more steps`,
          );
        }
        if (row.step_count >= maxSteps) {
          throw new MemoryError(
            'LIMIT_EXCEEDED',
            `episode ${episodeId} has ${row.step_count} steps; the limit is ${maxSteps}`,
            {
              details: { field: 'steps', limit: maxSteps },
            },
          );
        }
        const stored: Step = { ...step, seq: row.step_count + 1 };
        writes.insertSteps(this.#statement, row.rid, [stored]);
        this.#sql('UPDATE episodes SET step_count = ? WHERE rid = ?').run(stored.seq, row.rid);
        return stored;
      }),
    );
  }

  async completeEpisode(
    episodeId: string,
    outcome: Outcome,
    endedAt: string,
    learn: Learn,
  ): Promise<LearningResult> {
    return this.#retrying(() =>
      this.#transaction(() => {
        const episode = reads.loadEpisode(this.#statement, episodeId, true);
        if (!episode) throw notFound(episodeId);
        if (episode.outcome)
          throw new MemoryError('EPISODE_COMPLETED', `episode ${episodeId} is already completed`);
        return writes.learnAndStore(this.#statement, { ...episode, outcome, endedAt }, learn);
      }),
    );
  }

  async importEpisodes(episodes: Episode[], learn: Learn): Promise<ImportResult[]> {
    return this.#retrying(() =>
      this.#transaction(() =>
        episodes.map((episode): ImportResult => {
          this.#db.exec('SAVEPOINT import_episode');
          try {
            if (!episode.outcome || !episode.endedAt) {
              throw new MemoryError(
                'INVALID_INPUT',
                `episode ${episode.id} has no outcome; only finished episodes can be imported`,
              );
            }
            writes.insertEpisode(this.#statement, episode);
            const result = writes.learnAndStore(
              this.#statement,
              { ...episode, outcome: episode.outcome, endedAt: episode.endedAt },
              learn,
            );
            this.#db.exec('RELEASE import_episode');
            return { ok: true, episode: result.episode };
          } catch (error) {
            // SQLite rolled the whole transaction back (a full disk): no line can be stored, so fail the batch.
            if (this.#db.inTransaction === false) throw error;
            this.#db.exec('ROLLBACK TO import_episode');
            this.#db.exec('RELEASE import_episode');
            return { ok: false, error: toStorageError(error) };
          }
        }),
      ),
    );
  }

  async usedTools(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.#retrying(() => reads.usedTools(this.#statement, ids));
  }

  async toolCounts(query: { domain?: string; features: readonly string[] }): Promise<ToolCount[]> {
    return this.#retrying(() => reads.toolCounts(this.#statement, query));
  }

  async getEpisode(id: string): Promise<Episode | null> {
    return this.#retrying(() => reads.loadEpisode(this.#statement, id, true));
  }

  async getEpisodes(ids: readonly string[], options: { steps?: boolean } = {}): Promise<Episode[]> {
    return this.#retrying(() => reads.getEpisodes(this.#statement, ids, options));
  }
  async listEpisodes(filter: EpisodeFilter): Promise<Episode[]> {
    return this.#retrying(() => reads.listEpisodes(this.#statement, filter));
  }
  async deleteEpisode(id: string): Promise<boolean> {
    return this.#retrying(() =>
      this.#transaction(() => {
        const row = this.#sql('SELECT rid FROM episodes WHERE id = ?').get(id) as { rid: number } | undefined;
        if (!row) return false;
        this.#sql('DELETE FROM episodes_fts WHERE rowid = ?').run(row.rid);
        this.#sql("DELETE FROM vectors WHERE kind = 'episode' AND item_id = ?").run(id);
        ann.deleteAnnVectors(this.#statement, 'episode', id);
        this.#sql('DELETE FROM episodes WHERE rid = ?').run(row.rid);
        writes.bumpGeneration(this.#statement);
        return true;
      }),
    );
  }

  async searchEpisodes(query: { text: string; limit: number }): Promise<LexicalHit[]> {
    return this.#retrying(() => reads.searchEpisodes(this.#statement, query));
  }
  async recentEpisodeIds(query: { domain?: string; limit: number }): Promise<string[]> {
    return this.#retrying(() => reads.recentEpisodeIds(this.#statement, query));
  }
  async searchPatterns(query: { text: string; limit: number }): Promise<LexicalHit[]> {
    return this.#retrying(() => reads.searchPatterns(this.#statement, query));
  }
  async putVectors(items: readonly StoredVector[]): Promise<void> {
    await this.#retrying(() =>
      this.#transaction(() => {
        vectors.putVectors(this.#statement, items);
        // ANN tables that exist are kept current even when the index is off, so turning it on again is safe.
        const mirrored = this.#ann
          ? items
          : items.filter((v) => ann.findAnnTable(this.#statement, v.provider, v.kind));
        ann.putAnnVectors(this.#statement, (q) => this.#db.exec(q), mirrored);
        // New vectors change what retrieval returns, so cached results must go.
        writes.bumpGeneration(this.#statement);
      }),
    );
  }

  async searchVectors(query: {
    kind: VectorKind;
    provider: string;
    vector: Float32Array;
    limit: number;
  }): Promise<VectorHit[]> {
    return this.#retrying(() => {
      const sql = (q: string) => this.#sql(q);
      return (this.#ann ? ann.searchAnn(sql, query) : undefined) ?? vectors.searchVectors(sql, query);
    });
  }

  async getVectors(query: {
    kind: VectorKind;
    provider: string;
    ids: readonly string[];
  }): Promise<Map<string, Float32Array>> {
    return this.#retrying(() => vectors.getVectors(this.#statement, query));
  }

  async staleVectorIds(query: { kind: VectorKind; provider: string; limit: number }): Promise<string[]> {
    return this.#retrying(() => vectors.staleVectorIds(this.#statement, query));
  }

  async countVectors(
    provider: string,
  ): Promise<{ episodes: number; patterns: number; staleEpisodes: number; stalePatterns: number }> {
    return this.#retrying(() => vectors.countVectors(this.#statement, provider));
  }

  async getCachedEmbeddings(
    provider: string,
    textHashes: readonly string[],
  ): Promise<Map<string, Float32Array>> {
    return this.#retrying(() => vectors.getCachedEmbeddings(this.#statement, provider, textHashes));
  }

  async putCachedEmbeddings(provider: string, entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    await this.#retrying(() =>
      this.#transaction(() => vectors.putCachedEmbeddings(this.#statement, provider, entries)),
    );
  }

  async writeGeneration(): Promise<number> {
    return this.#retrying(
      () =>
        (
          this.#sql("SELECT CAST(value AS INTEGER) AS g FROM meta WHERE key = 'write_generation'").get() as {
            g: number;
          }
        ).g,
    );
  }

  async getPattern(id: string): Promise<Pattern | null> {
    return this.#retrying(() => {
      const row = this.#sql('SELECT body FROM patterns WHERE id = ?').get(id) as { body: string } | undefined;
      return row ? rowToPattern(row.body) : null;
    });
  }

  async getPatterns(ids: readonly string[]): Promise<Pattern[]> {
    return this.#retrying(() => reads.getPatterns(this.#statement, ids));
  }
  async listPatterns(filter: PatternFilter): Promise<Pattern[]> {
    return this.#retrying(() => reads.listPatterns(this.#statement, filter));
  }
  async getHeuristics(ids: readonly string[]): Promise<Heuristic[]> {
    return this.#retrying(() => reads.getHeuristics(this.#statement, ids));
  }
  async listHeuristics(filter: HeuristicFilter): Promise<Heuristic[]> {
    return this.#retrying(() => reads.listHeuristics(this.#statement, filter));
  }
  async recordFeedback(feedback: Feedback, apply: (pattern: Pattern) => Pattern): Promise<Pattern[]> {
    return this.#retrying(() =>
      this.#transaction(() => collab.recordFeedback(this.#statement, feedback, apply)),
    );
  }
  async listFeedback(query: { limit: number }): Promise<Feedback[]> {
    return this.#retrying(() => collab.listFeedback(this.#statement, query));
  }
  async addCheckpoint(checkpoint: Omit<Checkpoint, 'stepCount'>): Promise<Checkpoint> {
    return this.#retrying(() => this.#transaction(() => collab.addCheckpoint(this.#statement, checkpoint)));
  }
  async listCheckpoints(episodeId: string): Promise<Checkpoint[]> {
    return this.#retrying(() => collab.listCheckpoints(this.#statement, episodeId));
  }
  async updateTags(
    episodeId: string,
    change: { add: readonly string[]; remove: readonly string[] },
  ): Promise<Episode> {
    return this.#retrying(() =>
      this.#transaction(() => collab.updateTags(this.#statement, episodeId, change)),
    );
  }
  /** The cycle check reads and the insert writes in one IMMEDIATE transaction, so two writers cannot race. */
  async addLink(link: Link): Promise<Link> {
    return this.#retrying(() => this.#transaction(() => collab.addLink(this.#statement, link)));
  }
  async removeLink(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    return this.#retrying(() => this.#transaction(() => collab.removeLink(this.#statement, link)));
  }
  async listLinks(episodeId: string): Promise<Link[]> {
    return this.#retrying(() => collab.listLinks(this.#statement, episodeId));
  }
  async stats(): Promise<StorageStats> {
    return this.#retrying(() => reads.stats(this.#statement));
  }
  async backup(target: string): Promise<SnapshotInfo> {
    return this.#retrying(() => writeSnapshot(this.#db, target));
  }
  async deleteCompletedEpisodes(ids: readonly string[]): Promise<string[]> {
    return this.#retrying(() =>
      this.#transaction(() => {
        const deleted: string[] = [];
        for (const id of ids) {
          const row = this.#sql('SELECT rid FROM episodes WHERE id = ? AND ended_at IS NOT NULL').get(id) as
            | { rid: number }
            | undefined;
          if (!row) continue;
          this.#sql('DELETE FROM episodes_fts WHERE rowid = ?').run(row.rid);
          this.#sql("DELETE FROM vectors WHERE kind = 'episode' AND item_id = ?").run(id);
          ann.deleteAnnVectors(this.#statement, 'episode', id);
          this.#sql('DELETE FROM episodes WHERE rid = ?').run(row.rid);
          deleted.push(id);
        }
        if (deleted.length > 0) writes.bumpGeneration(this.#statement);
        return deleted;
      }),
    );
  }
  async close(): Promise<void> {
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
    this.#transaction(() => {
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

  /** BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock. */
  #transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite ends the transaction itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM); a ROLLBACK
      // then fails with "no transaction is active", and that error must not hide the one that matters.
      if (this.#db.inTransaction !== false) {
        try {
          this.#db.exec('ROLLBACK');
        } catch {
          // The original error is the one to report.
        }
      }
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

function notFound(id: string): MemoryError {
  return new MemoryError('NOT_FOUND', `episode ${id} does not exist`, { details: { episodeId: id } });
}
