import {
  type Episode,
  type Heuristic,
  type Learn,
  type LearningResult,
  MemoryError,
  OUTCOME_STATUSES,
  type Outcome,
  type OutcomeStatus,
  PATTERN_TYPES,
  type Pattern,
  type PatternType,
  type Step,
} from '../../core/index.js';
import type {
  EpisodeFilter,
  HeuristicFilter,
  ImportResult,
  LexicalHit,
  PatternFilter,
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
import { toFtsQuery } from './fts-query.js';
import { MIGRATIONS } from './migrations.js';
import {
  type EpisodeRow,
  ftsDocument,
  rowToEpisode,
  rowToHeuristic,
  rowToPattern,
  rowToStep,
  type StepRow,
  stepValues,
} from './rows.js';
import * as ann from './sqlite-ann.js';
import * as vectors from './sqlite-vectors.js';

const EPISODE_COLUMNS = `rid, id, task, task_type, domain, language, framework, complexity, context_tags, tags, metadata,
  started_at, ended_at, outcome, reward, reflection, summary, pattern_ids, heuristic_ids`;

export interface SqliteStorageOptions extends OpenDatabaseOptions {
  /**
   * `exact` (default): vector search scans every vector, exact and fast enough to tens of thousands.
   * `ann`: also keep a DiskANN index per provider (libSQL `libsql_vector_idx`) and search through it.
   */
  vectorIndex?: 'exact' | 'ann';
}

/** Opens the embedded store at `path` (a file, or `:memory:`), applying migrations. */
export function openSqliteStorage(path: string, options: SqliteStorageOptions = {}): SqliteStorage {
  return new SqliteStorage(openDatabase(path, options), options);
}

/** The embedded backend: one SQLite (libSQL) file, WAL, every write in a transaction of its own. */
export class SqliteStorage implements StorageBackend {
  readonly kind = 'sqlite';
  readonly #db: SqliteDatabase;
  readonly #statements = new Map<string, SqliteStatement>();
  readonly #ann: boolean;

  constructor(db: SqliteDatabase, options: { vectorIndex?: 'exact' | 'ann' } = {}) {
    this.#db = db;
    this.#ann = options.vectorIndex === 'ann';
    this.#migrate();
  }

  async createEpisode(episode: Episode): Promise<void> {
    this.#guard(() => this.#transaction(() => this.#insertEpisode(episode)));
  }

  async appendStep(episodeId: string, step: Omit<Step, 'seq'>, maxSteps: number): Promise<Step> {
    return this.#guard(() =>
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
        this.#insertSteps(row.rid, [stored]);
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
    return this.#guard(() =>
      this.#transaction(() => {
        const episode = this.#loadEpisode(episodeId, true);
        if (!episode) throw notFound(episodeId);
        if (episode.outcome)
          throw new MemoryError('EPISODE_COMPLETED', `episode ${episodeId} is already completed`);
        return this.#learnAndStore({ ...episode, outcome, endedAt }, learn);
      }),
    );
  }

  async importEpisodes(episodes: Episode[], learn: Learn): Promise<ImportResult[]> {
    return this.#guard(() =>
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
            this.#insertEpisode(episode);
            const result = this.#learnAndStore(
              { ...episode, outcome: episode.outcome, endedAt: episode.endedAt },
              learn,
            );
            this.#db.exec('RELEASE import_episode');
            return { ok: true, episode: result.episode };
          } catch (error) {
            this.#db.exec('ROLLBACK TO import_episode');
            this.#db.exec('RELEASE import_episode');
            return { ok: false, error: toStorageError(error) };
          }
        }),
      ),
    );
  }

  async getEpisode(id: string): Promise<Episode | null> {
    return this.#guard(() => this.#loadEpisode(id, true));
  }

  async getEpisodes(ids: readonly string[], options: { steps?: boolean } = {}): Promise<Episode[]> {
    return this.#guard(() => {
      if (ids.length === 0) return [];
      const rows = this.#sql(
        `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(ids)) as EpisodeRow[];
      const byId = new Map(
        rows.map((row) => [row.id, rowToEpisode(row, options.steps ? this.#loadSteps(row.rid) : [])]),
      );
      return ids.flatMap((id) => byId.get(id) ?? []);
    });
  }

  async listEpisodes(filter: EpisodeFilter): Promise<Episode[]> {
    return this.#guard(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.domain !== undefined) {
        where.push('domain = ?');
        params.push(filter.domain);
      }
      if (filter.taskType !== undefined) {
        where.push('task_type = ?');
        params.push(filter.taskType);
      }
      if (filter.outcome !== undefined) {
        where.push('outcome_status = ?');
        params.push(filter.outcome);
      }
      if (filter.since !== undefined) {
        where.push('started_at >= ?');
        params.push(Date.parse(filter.since));
      }
      if (filter.until !== undefined) {
        where.push('started_at <= ?');
        params.push(Date.parse(filter.until));
      }
      if (filter.completed === true) where.push('ended_at IS NOT NULL');
      if (filter.completed === false) where.push('ended_at IS NULL');
      for (const tag of filter.tags ?? []) {
        where.push('rid IN (SELECT episode_rid FROM episode_tags WHERE tag = ?)');
        params.push(tag);
      }
      const order = filter.order === 'oldest' ? 'ASC' : 'DESC';
      const sql = `SELECT ${EPISODE_COLUMNS} FROM episodes ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY started_at ${order}, rid ${order} LIMIT ? OFFSET ?`;
      const rows = this.#sql(sql).all(...params, filter.limit ?? 20, filter.offset ?? 0) as EpisodeRow[];
      return rows.map((row) => rowToEpisode(row, []));
    });
  }

  async deleteEpisode(id: string): Promise<boolean> {
    return this.#guard(() =>
      this.#transaction(() => {
        const row = this.#sql('SELECT rid FROM episodes WHERE id = ?').get(id) as { rid: number } | undefined;
        if (!row) return false;
        this.#sql('DELETE FROM episodes_fts WHERE rowid = ?').run(row.rid);
        this.#sql("DELETE FROM vectors WHERE kind = 'episode' AND item_id = ?").run(id);
        ann.deleteAnnVectors((q) => this.#sql(q), 'episode', id);
        this.#sql('DELETE FROM episodes WHERE rid = ?').run(row.rid);
        this.#bumpGeneration();
        return true;
      }),
    );
  }

  async searchEpisodes(query: { text: string; limit: number }): Promise<LexicalHit[]> {
    return this.#guard(() => {
      const match = toFtsQuery(query.text);
      if (match === null) return [];
      // Column weights: the task says most about what an episode was; tools and reflection less.
      const rows = this.#sql(
        `SELECT e.id AS id, bm25(episodes_fts, 1.0, 0.7, 0.5, 0.3) AS rank
         FROM episodes_fts JOIN episodes e ON e.rid = episodes_fts.rowid
         WHERE episodes_fts MATCH ? ORDER BY rank LIMIT ?`,
      ).all(match, query.limit) as Array<{ id: string; rank: number }>;
      return rows.map((r) => ({ id: r.id, score: -r.rank }));
    });
  }

  async recentEpisodeIds(query: { domain?: string; limit: number }): Promise<string[]> {
    return this.#guard(() => {
      const rows = (
        query.domain === undefined
          ? this.#sql(
              'SELECT id FROM episodes WHERE ended_at IS NOT NULL ORDER BY ended_at DESC LIMIT ?',
            ).all(query.limit)
          : this.#sql(
              'SELECT id FROM episodes WHERE domain = ? AND ended_at IS NOT NULL ORDER BY ended_at DESC LIMIT ?',
            ).all(query.domain, query.limit)
      ) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    });
  }

  async searchPatterns(query: { text: string; limit: number }): Promise<LexicalHit[]> {
    return this.#guard(() => {
      const match = toFtsQuery(query.text);
      if (match === null) return [];
      const rows = this.#sql(
        `SELECT p.id AS id, bm25(patterns_fts, 1.0, 0.5) AS rank
         FROM patterns_fts JOIN patterns p ON p.rowid = patterns_fts.rowid
         WHERE patterns_fts MATCH ? ORDER BY rank LIMIT ?`,
      ).all(match, query.limit) as Array<{ id: string; rank: number }>;
      return rows.map((r) => ({ id: r.id, score: -r.rank }));
    });
  }

  async putVectors(items: readonly StoredVector[]): Promise<void> {
    this.#guard(() =>
      this.#transaction(() => {
        vectors.putVectors((q) => this.#sql(q), items);
        // ANN tables that exist are kept current even when the index is off, so turning it on again is safe.
        const mirrored = this.#ann
          ? items
          : items.filter((v) => ann.findAnnTable((q) => this.#sql(q), v.provider, v.kind));
        ann.putAnnVectors(
          (q) => this.#sql(q),
          (q) => this.#db.exec(q),
          mirrored,
        );
        // New vectors change what retrieval returns, so cached results must go.
        this.#bumpGeneration();
      }),
    );
  }

  async searchVectors(query: {
    kind: VectorKind;
    provider: string;
    vector: Float32Array;
    limit: number;
  }): Promise<VectorHit[]> {
    return this.#guard(() => {
      const sql = (q: string) => this.#sql(q);
      return (this.#ann ? ann.searchAnn(sql, query) : undefined) ?? vectors.searchVectors(sql, query);
    });
  }

  async getVectors(query: {
    kind: VectorKind;
    provider: string;
    ids: readonly string[];
  }): Promise<Map<string, Float32Array>> {
    return this.#guard(() => vectors.getVectors((q) => this.#sql(q), query));
  }

  async staleVectorIds(query: { kind: VectorKind; provider: string; limit: number }): Promise<string[]> {
    return this.#guard(() => vectors.staleVectorIds((q) => this.#sql(q), query));
  }

  async countVectors(
    provider: string,
  ): Promise<{ episodes: number; patterns: number; staleEpisodes: number; stalePatterns: number }> {
    return this.#guard(() => vectors.countVectors((q) => this.#sql(q), provider));
  }

  async getCachedEmbeddings(
    provider: string,
    textHashes: readonly string[],
  ): Promise<Map<string, Float32Array>> {
    return this.#guard(() => vectors.getCachedEmbeddings((q) => this.#sql(q), provider, textHashes));
  }

  async putCachedEmbeddings(provider: string, entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    this.#guard(() =>
      this.#transaction(() => vectors.putCachedEmbeddings((q) => this.#sql(q), provider, entries)),
    );
  }

  async writeGeneration(): Promise<number> {
    return this.#guard(
      () =>
        (
          this.#sql("SELECT CAST(value AS INTEGER) AS g FROM meta WHERE key = 'write_generation'").get() as {
            g: number;
          }
        ).g,
    );
  }

  async getPattern(id: string): Promise<Pattern | null> {
    return this.#guard(() => {
      const row = this.#sql('SELECT body FROM patterns WHERE id = ?').get(id) as { body: string } | undefined;
      return row ? rowToPattern(row.body) : null;
    });
  }

  async getPatterns(ids: readonly string[]): Promise<Pattern[]> {
    return this.#guard(() => this.#bodiesByIds('patterns', ids).map(rowToPattern));
  }

  async listPatterns(filter: PatternFilter): Promise<Pattern[]> {
    return this.#guard(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.type !== undefined) {
        where.push('type = ?');
        params.push(filter.type);
      }
      if (filter.domain !== undefined) {
        where.push('domain = ?');
        params.push(filter.domain);
      }
      if (filter.minOccurrences !== undefined)
        where.push('occurrences >= ?') && params.push(filter.minOccurrences);
      const rows = this.#sql(
        `SELECT body FROM patterns ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY occurrences DESC, success_rate DESC, id LIMIT ? OFFSET ?`,
      ).all(...params, filter.limit ?? 20, filter.offset ?? 0) as Array<{ body: string }>;
      return rows.map((r) => rowToPattern(r.body));
    });
  }

  async getHeuristics(ids: readonly string[]): Promise<Heuristic[]> {
    return this.#guard(() => this.#bodiesByIds('heuristics', ids).map(rowToHeuristic));
  }

  async listHeuristics(filter: HeuristicFilter): Promise<Heuristic[]> {
    return this.#guard(() => {
      const rows = this.#sql(
        `SELECT body FROM heuristics WHERE (?1 IS NULL OR domain = ?1) AND confidence >= ?2
         ORDER BY confidence DESC, id LIMIT ?3`,
      ).all(filter.domain ?? null, filter.minConfidence ?? 0, filter.limit ?? 20) as Array<{ body: string }>;
      return rows.map((r) => rowToHeuristic(r.body));
    });
  }

  async stats(): Promise<StorageStats> {
    return this.#guard(() => {
      const count = (sql: string): number => (this.#sql(sql).get() as { n: number }).n;
      const byOutcome = Object.fromEntries(OUTCOME_STATUSES.map((s) => [s, 0])) as Record<
        OutcomeStatus,
        number
      >;
      for (const row of this.#sql(
        'SELECT outcome_status AS s, count(*) AS n FROM episodes WHERE outcome_status IS NOT NULL GROUP BY outcome_status',
      ).all() as Array<{ s: OutcomeStatus; n: number }>) {
        byOutcome[row.s] = row.n;
      }
      const patternsByType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, 0])) as Record<
        PatternType,
        number
      >;
      for (const row of this.#sql(
        'SELECT type AS t, count(*) AS n FROM patterns GROUP BY type',
      ).all() as Array<{
        t: PatternType;
        n: number;
      }>) {
        patternsByType[row.t] = row.n;
      }
      const byDomain: Record<string, number> = {};
      for (const row of this.#sql(
        'SELECT domain AS d, count(*) AS n FROM episodes GROUP BY domain ORDER BY n DESC',
      ).all() as Array<{
        d: string;
        n: number;
      }>) {
        byDomain[row.d] = row.n;
      }
      const reward = this.#sql(
        'SELECT avg(reward_total) AS r FROM episodes WHERE reward_total IS NOT NULL',
      ).get() as {
        r: number | null;
      };
      return {
        episodes: count('SELECT count(*) AS n FROM episodes'),
        completedEpisodes: count('SELECT count(*) AS n FROM episodes WHERE ended_at IS NOT NULL'),
        steps: count('SELECT count(*) AS n FROM steps'),
        patterns: count('SELECT count(*) AS n FROM patterns'),
        patternsByType,
        heuristics: count('SELECT count(*) AS n FROM heuristics'),
        byOutcome,
        byDomain,
        averageReward: reward.r === null ? null : Math.round(reward.r * 10_000) / 10_000,
      };
    });
  }

  async close(): Promise<void> {
    this.#statements.clear();
    this.#db.close();
  }

  /** Reads the episode with its steps, sets its outcome, runs learning and writes everything learned. */
  #learnAndStore(episode: Episode & { outcome: Outcome; endedAt: string }, learn: Learn): LearningResult {
    const plan = learn(episode);
    const patterns = this.#bodiesByColumn('patterns', 'key', plan.patternKeys).map(rowToPattern);
    const heuristics = this.#bodiesByColumn('heuristics', 'trigger', plan.heuristicTriggers).map(
      rowToHeuristic,
    );
    const result = plan.finish({ patterns, heuristics });
    const done = result.episode;
    this.#sql(
      `UPDATE episodes SET ended_at = ?, outcome_status = ?, outcome = ?, reward_total = ?, reward = ?, reflection = ?,
         summary = ?, pattern_ids = ?, heuristic_ids = ? WHERE id = ?`,
    ).run(
      Date.parse(done.endedAt),
      done.outcome.status,
      JSON.stringify(done.outcome),
      done.reward.total,
      JSON.stringify(done.reward),
      JSON.stringify(done.reflection),
      JSON.stringify(done.summary),
      JSON.stringify(done.patternIds),
      JSON.stringify(done.heuristicIds),
      done.id,
    );
    const upsertPattern = this.#sql(
      `INSERT INTO patterns (id, key, type, domain, occurrences, success_rate, last_seen, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET occurrences = excluded.occurrences, success_rate = excluded.success_rate,
         last_seen = excluded.last_seen, body = excluded.body`,
    );
    const previous = new Map(patterns.map((p) => [p.id, p.description]));
    for (const p of result.patterns) {
      upsertPattern.run(
        p.id,
        p.key,
        p.type,
        p.context.domain,
        p.occurrences,
        p.successRate,
        Date.parse(p.lastSeen),
        JSON.stringify(p),
      );
      this.#indexPattern(p, previous.get(p.id));
    }
    const upsertHeuristic = this.#sql(
      `INSERT INTO heuristics (id, key, trigger, domain, confidence, body) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET confidence = excluded.confidence, body = excluded.body`,
    );
    for (const h of result.heuristics) {
      upsertHeuristic.run(h.id, h.key, h.trigger, h.domain, h.confidence, JSON.stringify(h));
    }
    const rid = (this.#sql('SELECT rid FROM episodes WHERE id = ?').get(done.id) as { rid: number }).rid;
    this.#sql(
      'INSERT INTO episodes_fts (rowid, task, summary, tools, reflection) VALUES (?, ?, ?, ?, ?)',
    ).run(rid, ...ftsDocument(done));
    this.#bumpGeneration();
    return result;
  }

  /**
   * Keeps the pattern's full-text row current after its upsert; a changed description also makes its vector
   * stale. `previousDescription` is undefined for a new pattern.
   */
  #indexPattern(pattern: Pattern, previousDescription: string | undefined): void {
    if (previousDescription === pattern.description) return;
    const { r: rowid } = this.#sql('SELECT rowid AS r FROM patterns WHERE id = ?').get(pattern.id) as {
      r: number;
    };
    if (previousDescription !== undefined) {
      this.#sql('DELETE FROM patterns_fts WHERE rowid = ?').run(rowid);
      this.#sql("DELETE FROM vectors WHERE kind = 'pattern' AND item_id = ?").run(pattern.id);
      ann.deleteAnnVectors((q) => this.#sql(q), 'pattern', pattern.id);
    }
    this.#sql('INSERT INTO patterns_fts (rowid, description, signature) VALUES (?, ?, ?)').run(
      rowid,
      pattern.description,
      pattern.key,
    );
  }

  #insertEpisode(episode: Episode): void {
    // Not `RETURNING rid` with get(): a libsql statement whose get() once threw (a duplicate id) keeps throwing.
    const { lastInsertRowid } = this.#sql(
      `INSERT INTO episodes (id, task, task_type, domain, language, framework, complexity, context_tags, tags, metadata,
         started_at, step_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      episode.id,
      episode.task,
      episode.taskType,
      episode.context.domain,
      episode.context.language ?? null,
      episode.context.framework ?? null,
      episode.context.complexity,
      JSON.stringify(episode.context.tags),
      JSON.stringify(episode.tags),
      JSON.stringify(episode.metadata),
      Date.parse(episode.startedAt),
      episode.steps.length,
    );
    const rid = Number(lastInsertRowid);
    const insertTag = this.#sql('INSERT OR IGNORE INTO episode_tags (tag, episode_rid) VALUES (?, ?)');
    for (const tag of new Set([...episode.tags, ...episode.context.tags])) insertTag.run(tag, rid);
    this.#insertSteps(rid, episode.steps);
  }

  #insertSteps(rid: number, steps: readonly Step[]): void {
    const insert = this.#sql(
      `INSERT INTO steps (episode_rid, seq, at, tool, action, params, status, output, latency_ms, tokens, metadata)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const step of steps) insert.run(rid, ...stepValues(step));
  }

  #loadEpisode(id: string, withSteps: boolean): Episode | null {
    const row = this.#sql(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id = ?`).get(id) as
      | EpisodeRow
      | undefined;
    return row ? rowToEpisode(row, withSteps ? this.#loadSteps(row.rid) : []) : null;
  }

  #loadSteps(rid: number): Step[] {
    const rows = this.#sql(
      'SELECT seq, at, tool, action, params, status, output, latency_ms, tokens, metadata FROM steps WHERE episode_rid = ? ORDER BY seq',
    ).all(rid) as StepRow[];
    return rows.map(rowToStep);
  }

  #bodiesByIds(table: 'patterns' | 'heuristics', ids: readonly string[]): string[] {
    return this.#bodiesByColumn(table, 'id', ids);
  }

  #bodiesByColumn(
    table: 'patterns' | 'heuristics',
    column: 'id' | 'key' | 'trigger',
    values: readonly string[],
  ): string[] {
    if (values.length === 0) return [];
    const rows = this.#sql(
      `SELECT body FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(JSON.stringify(values)) as Array<{ body: string }>;
    return rows.map((r) => r.body);
  }

  #bumpGeneration(): void {
    this.#sql("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'write_generation'").run();
  }

  #migrate(): void {
    const current = (this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (current > MIGRATIONS.length) {
      throw new MemoryError(
        'STORAGE_ERROR',
        `the database was written by a newer slmem (schema ${current}, this one knows ${MIGRATIONS.length}); upgrade slmem`,
      );
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.#transaction(() => {
        this.#db.exec(MIGRATIONS[version]!);
        this.#db.exec(`PRAGMA user_version = ${version + 1}`);
      });
    }
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
      this.#db.exec('ROLLBACK');
      throw error;
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

/** Driver errors become coded errors: a unique-key clash is a CONFLICT, everything else a STORAGE_ERROR. */
function toStorageError(error: unknown): MemoryError {
  if (error instanceof MemoryError) return error;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (
    typeof code === 'string' &&
    code.startsWith('SQLITE_CONSTRAINT') &&
    /UNIQUE|PRIMARY/.test(`${code} ${message}`)
  ) {
    return new MemoryError('CONFLICT', `an episode with this id already exists (${message})`, {
      cause: error,
    });
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
    return new MemoryError('STORAGE_ERROR', 'the database is locked by another process; retry in a moment', {
      cause: error,
    });
  }
  return new MemoryError('STORAGE_ERROR', `storage failed: ${message}`, { cause: error });
}
