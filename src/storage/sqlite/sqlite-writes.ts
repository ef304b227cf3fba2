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
} from '../../core/index.js';
import type { EpisodeHead, ToolCountDelta, WriteTx } from '../port.js';
import { ftsDocument, parseRows, rowToHeuristic, rowToPattern, stepValues } from '../rows.js';
import type { StoredVector } from '../storage.js';
import type { Sql } from './driver.js';
import * as ann from './sqlite-ann.js';
import { toStorageError } from './sqlite-errors.js';
import { bodiesByColumn, loadEpisode } from './sqlite-reads.js';
import * as vectors from './sqlite-vectors.js';

/**
 * The writes of one transaction of the embedded store. SQLite runs one writer at a time (BEGIN IMMEDIATE
 * takes the file's write lock), so the row and key locks the rules ask for are already held.
 */
export class SqliteTx implements WriteTx {
  readonly #sql: Sql;
  readonly #ns: string;
  readonly #exec: (sql: string) => void;
  readonly #annOn: boolean;
  readonly #inTransaction: () => boolean;

  constructor(
    sql: Sql,
    ns: string,
    db: { exec: (sql: string) => void; inTransaction: () => boolean },
    annOn: boolean,
  ) {
    this.#sql = sql;
    this.#ns = ns;
    this.#exec = db.exec;
    this.#inTransaction = db.inTransaction;
    this.#annOn = annOn;
  }

  async lockEpisode(id: string): Promise<EpisodeHead | null> {
    const row = this.#sql(
      `SELECT ended_at, step_count,
         max(started_at, coalesce((SELECT at FROM steps s WHERE s.episode_rid = e.rid AND s.seq = e.step_count), 0)) AS last_at
       FROM episodes e WHERE id = ? AND namespace = ?`,
    ).get(id, this.#ns) as { ended_at: number | null; step_count: number; last_at: number } | undefined;
    return row
      ? {
          id,
          endedAt: row.ended_at === null ? null : new Date(row.ended_at).toISOString(),
          stepCount: row.step_count,
          lastAt: new Date(row.last_at).toISOString(),
        }
      : null;
  }

  async loadEpisode(id: string): Promise<Episode | null> {
    return loadEpisode(this.#sql, this.#ns, id, true);
  }

  async lockKeys(): Promise<void> {
    // The transaction holds the only write lock of the file.
  }

  async savepoint<T>(
    fn: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: MemoryError }> {
    this.#exec('SAVEPOINT slmem_item');
    try {
      const value = await fn();
      this.#exec('RELEASE slmem_item');
      return { ok: true, value };
    } catch (error) {
      // SQLite rolled the whole transaction back (a full disk): nothing more can be stored in it.
      if (!this.#inTransaction()) throw error;
      this.#exec('ROLLBACK TO slmem_item');
      this.#exec('RELEASE slmem_item');
      return { ok: false, error: toStorageError(error) };
    }
  }

  async takenEpisodeIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = this.#sql('SELECT id FROM episodes WHERE id IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(ids),
    ) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  async insertEpisode(episode: Episode): Promise<void> {
    const rid = this.#insertEpisodeRow(episode, null);
    this.#indexTags(rid, [...episode.tags, ...episode.context.tags]);
    this.#insertSteps(rid, episode.steps);
  }

  async insertCompletedEpisodes(episodes: readonly CompletedEpisode[]): Promise<void> {
    if (episodes.length === 0) return;
    // Rows with numbers (REAL columns) are bound one by one: SQLite's JSON reader rounds a few doubles differently
    // from JavaScript. Tags and full-text entries are text, so each goes in as one JSON list.
    const tags: Array<[number, string]> = [];
    const documents: unknown[][] = [];
    for (const episode of episodes) {
      const rid = this.#insertEpisodeRow(episode, episode);
      for (const tag of new Set([...episode.tags, ...episode.context.tags])) tags.push([rid, tag]);
      this.#insertSteps(rid, episode.steps);
      documents.push([rid, ...ftsDocument(episode)]);
    }
    if (tags.length > 0) {
      this.#sql(
        `INSERT OR IGNORE INTO episode_tags (tag, episode_rid)
         SELECT value ->> 1, value ->> 0 FROM json_each(?)`,
      ).run(JSON.stringify(tags));
    }
    this.#sql(
      `INSERT INTO episodes_fts (rowid, task, summary, tools, reflection)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`,
    ).run(JSON.stringify(documents));
    this.#sql(
      'INSERT INTO episode_tasks_fts (rowid, task) SELECT value ->> 0, value ->> 1 FROM json_each(?)',
    ).run(JSON.stringify(documents));
  }

  async appendSteps(episodeId: string, steps: readonly Step[]): Promise<void> {
    const row = this.#row(episodeId);
    if (!row || steps.length === 0) return;
    this.#insertSteps(row.rid, steps);
    this.#sql('UPDATE episodes SET step_count = ? WHERE rid = ?').run(steps.at(-1)!.seq, row.rid);
  }

  async finishEpisode(done: CompletedEpisode): Promise<void> {
    const sql = this.#sql;
    sql(
      `UPDATE episodes SET ended_at = ?, outcome_status = ?, outcome = ?, reward_total = ?, reward = ?, reflection = ?,
         summary = ?, pattern_ids = ?, heuristic_ids = ? WHERE id = ? AND namespace = ?`,
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
      this.#ns,
    );
    const row = this.#row(done.id);
    if (!row) return;
    sql('INSERT INTO episodes_fts (rowid, task, summary, tools, reflection) VALUES (?, ?, ?, ?, ?)').run(
      row.rid,
      ...ftsDocument(done),
    );
    sql('INSERT INTO episode_tasks_fts (rowid, task) VALUES (?, ?)').run(row.rid, done.task);
  }

  async setTags(episodeId: string, tags: readonly string[], indexed: readonly string[]): Promise<void> {
    const row = this.#row(episodeId);
    if (!row) return;
    this.#sql('UPDATE episodes SET tags = ? WHERE rid = ?').run(JSON.stringify(tags), row.rid);
    this.#sql('DELETE FROM episode_tags WHERE episode_rid = ?').run(row.rid);
    this.#indexTags(row.rid, indexed);
  }

  async deleteEpisodes(ids: readonly string[], options: { completedOnly: boolean }): Promise<string[]> {
    const sql = this.#sql;
    const deleted: string[] = [];
    for (const id of ids) {
      const row = this.#row(id);
      if (!row || (options.completedOnly && row.ended_at === null)) continue;
      sql('DELETE FROM episodes_fts WHERE rowid = ?').run(row.rid);
      sql('DELETE FROM episode_tasks_fts WHERE rowid = ?').run(row.rid);
      sql("DELETE FROM vectors WHERE kind = 'episode' AND item_id = ?").run(id);
      ann.deleteAnnVectors(sql, 'episode', id);
      sql('DELETE FROM episodes WHERE rid = ?').run(row.rid);
      deleted.push(id);
    }
    return deleted;
  }

  async patternsByKeys(keys: readonly string[]): Promise<Pattern[]> {
    // A corrupt stored row counts as absent and is removed, so learning writes afresh instead of failing forever.
    const patterns = parseRows(bodiesByColumn(this.#sql, this.#ns, 'patterns', 'key', keys), rowToPattern);
    const parsed = new Set(patterns.map((p) => p.key));
    for (const key of keys) {
      if (parsed.has(key)) continue;
      const row = this.#sql('SELECT rowid AS r, id FROM patterns WHERE namespace = ? AND key = ?').get(
        this.#ns,
        key,
      ) as { r: number; id: string } | undefined;
      if (!row) continue;
      this.#unindexPattern(row.r, row.id);
      this.#sql('DELETE FROM patterns WHERE rowid = ?').run(row.r);
    }
    return patterns;
  }

  async patternsByIds(ids: readonly string[]): Promise<Pattern[]> {
    return bodiesByColumn(this.#sql, this.#ns, 'patterns', 'id', ids).map(rowToPattern);
  }

  async upsertPatterns(
    patterns: readonly Pattern[],
    previousDescriptions: ReadonlyMap<string, string>,
  ): Promise<void> {
    const upsert = this.#sql(
      `INSERT INTO patterns (id, namespace, key, type, domain, occurrences, success_rate, last_seen, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET occurrences = excluded.occurrences,
         success_rate = excluded.success_rate, last_seen = excluded.last_seen, body = excluded.body`,
    );
    for (const p of patterns) {
      upsert.run(
        p.id,
        this.#ns,
        p.key,
        p.type,
        p.context.domain,
        p.occurrences,
        p.successRate,
        Date.parse(p.lastSeen),
        JSON.stringify(p),
      );
      this.#indexPattern(p, previousDescriptions.get(p.id));
    }
  }

  async heuristicsByTriggers(triggers: readonly string[]): Promise<Heuristic[]> {
    const heuristics = parseRows(
      bodiesByColumn(this.#sql, this.#ns, 'heuristics', 'trigger', triggers),
      rowToHeuristic,
    );
    if (triggers.length === 0) return heuristics;
    const parsed = new Set(heuristics.map((h) => h.id));
    const rows = this.#sql(
      'SELECT id FROM heuristics WHERE namespace = ? AND trigger IN (SELECT value FROM json_each(?))',
    ).all(this.#ns, JSON.stringify(triggers)) as Array<{ id: string }>;
    for (const { id } of rows) if (!parsed.has(id)) this.#sql('DELETE FROM heuristics WHERE id = ?').run(id);
    return heuristics;
  }

  async upsertHeuristics(heuristics: readonly Heuristic[]): Promise<void> {
    const upsert = this.#sql(
      `INSERT INTO heuristics (id, namespace, key, trigger, domain, confidence, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET confidence = excluded.confidence, body = excluded.body`,
    );
    for (const h of heuristics) {
      upsert.run(h.id, this.#ns, h.key, h.trigger, h.domain, h.confidence, JSON.stringify(h));
    }
  }

  async addToolCounts(counts: readonly ToolCountDelta[]): Promise<void> {
    if (counts.length === 0) return;
    // One statement for the whole list: a batch adds ~10,000 counts, and one call each costs half again as much.
    // JSON carries only text and whole numbers here, which SQLite reads back exactly.
    this.#sql(
      `INSERT INTO tool_evidence (namespace, domain, feature, tool, successes, failures)
       SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) WHERE true
       ON CONFLICT (namespace, domain, feature, tool) DO UPDATE SET successes = successes + excluded.successes,
         failures = failures + excluded.failures`,
    ).run(
      this.#ns,
      JSON.stringify(counts.map((c) => [c.domain, c.feature, c.tool, c.successes, c.failures])),
    );
  }

  async insertFeedback(feedback: Feedback): Promise<void> {
    this.#sql(
      `INSERT INTO feedback (id, namespace, episode_id, pattern_ids, playbook_steps, success, note, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      feedback.id,
      this.#ns,
      feedback.episodeId ?? null,
      JSON.stringify(feedback.patternIds),
      JSON.stringify(feedback.playbookSteps),
      feedback.success ? 1 : 0,
      feedback.note ?? null,
      Date.parse(feedback.at),
    );
  }

  async insertCheckpoint(checkpoint: Checkpoint): Promise<void> {
    const row = this.#row(checkpoint.episodeId);
    if (!row) return;
    this.#sql(
      'INSERT INTO checkpoints (id, episode_rid, at, note, progress, step_count) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      checkpoint.id,
      row.rid,
      Date.parse(checkpoint.at),
      checkpoint.note,
      checkpoint.progress ?? null,
      checkpoint.stepCount,
    );
  }

  async linkExists(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    return (
      this.#sql(
        `SELECT 1 AS found FROM episode_links l JOIN episodes f ON f.rid = l.from_rid JOIN episodes t ON t.rid = l.to_rid
         WHERE f.id = ? AND t.id = ? AND l.type = ? AND f.namespace = ?`,
      ).get(link.from, link.to, link.type, this.#ns) !== undefined
    );
  }

  async linksFrom(from: readonly string[], type: LinkType): Promise<Array<{ from: string; to: string }>> {
    if (from.length === 0) return [];
    return this.#sql(
      `SELECT f.id AS "from", t.id AS "to" FROM episode_links l
         JOIN episodes f ON f.rid = l.from_rid JOIN episodes t ON t.rid = l.to_rid
       WHERE l.type = ? AND +f.namespace = ? AND f.id IN (SELECT value FROM json_each(?))
       ORDER BY l.created_at, t.id`,
    ).all(type, this.#ns, JSON.stringify(from)) as Array<{ from: string; to: string }>;
  }

  async insertLink(link: Link): Promise<void> {
    const from = this.#row(link.from);
    const to = this.#row(link.to);
    if (!from || !to) return;
    this.#sql(
      'INSERT INTO episode_links (from_rid, to_rid, type, note, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(from.rid, to.rid, link.type, link.note ?? null, Date.parse(link.createdAt));
  }

  async deleteLink(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    const from = this.#row(link.from);
    const to = this.#row(link.to);
    if (!from || !to) return false;
    const { changes } = this.#sql(
      'DELETE FROM episode_links WHERE type = ? AND from_rid = ? AND to_rid = ?',
    ).run(link.type, from.rid, to.rid);
    return changes > 0;
  }

  async putVectors(items: readonly StoredVector[]): Promise<void> {
    vectors.putVectors(this.#sql, this.#ns, items);
    // ANN tables that exist are kept current even when the index is off, so turning it on again is safe.
    const mirrored = this.#annOn
      ? items
      : items.filter((v) => ann.findAnnTable(this.#sql, v.provider, v.kind));
    ann.putAnnVectors(this.#sql, this.#exec, mirrored);
  }

  async putTuning(body: string): Promise<void> {
    this.#sql(
      'INSERT INTO tuning (namespace, body) VALUES (?, ?) ON CONFLICT (namespace) DO UPDATE SET body = excluded.body',
    ).run(this.#ns, body);
  }

  async bumpGeneration(): Promise<void> {
    bumpGeneration(this.#sql);
  }

  #row(id: string): { rid: number; ended_at: number | null; step_count: number } | undefined {
    return this.#sql('SELECT rid, ended_at, step_count FROM episodes WHERE id = ? AND namespace = ?').get(
      id,
      this.#ns,
    ) as { rid: number; ended_at: number | null; step_count: number } | undefined;
  }

  /** The episode's row, finished when `done` is given (as `finishEpisode` writes it); returns its rid. */
  #insertEpisodeRow(episode: Episode, done: CompletedEpisode | null): number {
    // Not `RETURNING rid` with get(): a libsql statement whose get() once threw (a duplicate id) keeps throwing.
    const { lastInsertRowid } = this.#sql(
      `INSERT INTO episodes (id, namespace, task, task_type, domain, language, framework, complexity, context_tags,
         tags, metadata, started_at, step_count, ended_at, outcome_status, outcome, reward_total, reward, reflection,
         summary, pattern_ids, heuristic_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      episode.id,
      this.#ns,
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
      done ? Date.parse(done.endedAt) : null,
      done ? done.outcome.status : null,
      done ? JSON.stringify(done.outcome) : null,
      done ? done.reward.total : null,
      done ? JSON.stringify(done.reward) : null,
      done ? JSON.stringify(done.reflection) : null,
      done ? JSON.stringify(done.summary) : null,
      JSON.stringify(done ? done.patternIds : []),
      JSON.stringify(done ? done.heuristicIds : []),
    );
    return Number(lastInsertRowid);
  }

  #insertSteps(rid: number, steps: readonly Step[]): void {
    const insert = this.#sql(
      `INSERT INTO steps (episode_rid, seq, at, tool, action, params, status, output, latency_ms, tokens, metadata)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const step of steps) insert.run(rid, ...stepValues(step));
  }

  #indexTags(rid: number, tags: readonly string[]): void {
    const insert = this.#sql('INSERT OR IGNORE INTO episode_tags (tag, episode_rid) VALUES (?, ?)');
    for (const tag of new Set(tags)) insert.run(tag, rid);
  }

  /**
   * Keeps the pattern's full-text row current after its upsert; a changed description also makes its vectors
   * stale. `previousDescription` is undefined for a new pattern.
   */
  #indexPattern(pattern: Pattern, previousDescription: string | undefined): void {
    if (previousDescription === pattern.description) return;
    const { r: rowid } = this.#sql('SELECT rowid AS r FROM patterns WHERE namespace = ? AND key = ?').get(
      this.#ns,
      pattern.key,
    ) as { r: number };
    if (previousDescription !== undefined) this.#unindexPattern(rowid, pattern.id);
    this.#sql('INSERT INTO patterns_fts (rowid, description, signature) VALUES (?, ?, ?)').run(
      rowid,
      pattern.description,
      pattern.key,
    );
  }

  #unindexPattern(rowid: number, id: string): void {
    this.#sql('DELETE FROM patterns_fts WHERE rowid = ?').run(rowid);
    this.#sql("DELETE FROM vectors WHERE kind = 'pattern' AND item_id = ?").run(id);
    ann.deleteAnnVectors(this.#sql, 'pattern', id);
  }
}

/** Every write that can change a retrieval result moves this on, invalidating cached results. */
export function bumpGeneration(sql: Sql): void {
  sql("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'write_generation'").run();
}
