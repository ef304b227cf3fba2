import {
  type Checkpoint,
  type CompletedEpisode,
  type Episode,
  type Feedback,
  type Heuristic,
  type Link,
  type LinkType,
  MemoryError,
  type Pattern,
  type Step,
  type ToolEvidence,
} from '../../core/index.js';
import type { EpisodeHead, WriteTx } from '../port.js';
import { ftsDocument, parseRows, rowToHeuristic, rowToPattern, stepValues } from '../sqlite/rows.js';
import type { StoredVector } from '../storage.js';
import { isRetryable, type PgTarget, toStorageError } from './pg-errors.js';
import { bodiesByColumn, type Db, loadEpisode } from './pg-reads.js';
import * as vectors from './pg-vectors.js';

/** Steps as one JSON parameter, read back by `json_to_recordset` in the order of `stepValues`. */
const STEP_RECORDS = `json_to_recordset($2::json) AS x(seq integer, at bigint, tool text, action text, params text,
  status text, output text, latency_ms double precision, tokens integer, metadata text)`;
/** Inserts the steps of `$2` for the episode `episodeId` (an expression), reading rows from `from` too. */
const stepInsert = (episodeId: string, from = ''): string =>
  `INSERT INTO steps (episode_id, seq, at, tool, action, params, status, output, latency_ms, tokens, metadata)
   SELECT ${episodeId}, x.seq, x.at, x.tool, x.action, x.params, x.status, x.output, x.latency_ms, x.tokens,
     x.metadata FROM ${from}${STEP_RECORDS}`;

function stepRecords(steps: readonly Step[]): string {
  const names = [
    'seq',
    'at',
    'tool',
    'action',
    'params',
    'status',
    'output',
    'latency_ms',
    'tokens',
    'metadata',
  ];
  return JSON.stringify(
    steps.map((step) => Object.fromEntries(stepValues(step).map((value, i) => [names[i], value]))),
  );
}

/**
 * The writes of one PostgreSQL transaction (READ COMMITTED), bound to one pooled connection. Row locks
 * (`FOR UPDATE`) and transaction-scoped advisory locks give the isolation the rules ask for.
 */
export class PgTx implements WriteTx {
  readonly #db: Db;
  readonly #ns: string;
  readonly #target: PgTarget;
  /** HNSW indexes (provider and dims) known to exist, shared by the port's transactions. */
  readonly #indexes: ReadonlySet<string>;
  /** Indexes this transaction made: known to exist once it commits. */
  readonly madeIndexes: string[] = [];
  #savepoints = 0;

  constructor(db: Db, ns: string, target: PgTarget, indexes: ReadonlySet<string>) {
    this.#db = db;
    this.#ns = ns;
    this.#target = target;
    this.#indexes = indexes;
  }

  async lockEpisode(id: string): Promise<EpisodeHead | null> {
    const { rows } = await this.#db.query<{ ended_at: number | null; step_count: number }>(
      'SELECT ended_at, step_count FROM episodes WHERE id = $1 AND namespace = $2 FOR UPDATE',
      [id, this.#ns],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id,
      endedAt: row.ended_at === null ? null : new Date(row.ended_at).toISOString(),
      stepCount: row.step_count,
    };
  }

  loadEpisode(id: string): Promise<Episode | null> {
    return loadEpisode(this.#db, this.#ns, id);
  }

  async lockKeys(keys: readonly string[]): Promise<void> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return;
    // One round trip; the ordered subquery takes the locks in sorted order, so no two writers wait in a circle.
    await this.#db.query(
      `SELECT count(pg_advisory_xact_lock(hashtextextended($1 || ':' || k, 0)))
         FROM (SELECT k FROM unnest($2::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i) AS s`,
      [this.#ns, sorted],
    );
  }

  async savepoint<T>(
    fn: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: MemoryError }> {
    const name = `slmem_sp_${++this.#savepoints}`;
    await this.#db.query(`SAVEPOINT ${name}`);
    try {
      const value = await fn();
      await this.#db.query(`RELEASE SAVEPOINT ${name}`);
      return { ok: true, value };
    } catch (error) {
      // A deadlock or serialisation failure: the whole transaction runs again rather than losing one item.
      if (isRetryable(error)) throw error;
      // Throws when the connection is gone: then the transaction is lost, and that error is the one to report.
      await this.#db.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.#db.query(`RELEASE SAVEPOINT ${name}`);
      return { ok: false, error: toStorageError(error, this.#target) };
    }
  }

  async insertEpisode(episode: Episode): Promise<void> {
    const c = episode.context;
    // One statement: the episode (nothing when the id is taken), then its tags and steps.
    const { rows } = await this.#db.query<{ inserted: number }>(
      `WITH e AS (
         INSERT INTO episodes (id, namespace, task, task_type, domain, language, framework, complexity,
           context_tags, tags, metadata, started_at, step_count)
         VALUES ($1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO NOTHING RETURNING id),
       t AS (INSERT INTO episode_tags (tag, episode_id) SELECT DISTINCT tag, e.id FROM e, unnest($15::text[]) AS tag),
       s AS (${stepInsert('e.id', 'e, ')})
       SELECT count(*) AS inserted FROM e`,
      [
        episode.id,
        stepRecords(episode.steps),
        this.#ns,
        episode.task,
        episode.taskType,
        c.domain,
        c.language ?? null,
        c.framework ?? null,
        c.complexity,
        JSON.stringify(c.tags),
        JSON.stringify(episode.tags),
        JSON.stringify(episode.metadata),
        Date.parse(episode.startedAt),
        episode.steps.length,
        [...episode.tags, ...c.tags],
      ],
    );
    if (Number(rows[0]?.inserted) === 0) {
      throw new MemoryError('CONFLICT', `episode ${episode.id} already exists`, {
        details: { episodeId: episode.id },
      });
    }
  }

  async appendSteps(episodeId: string, steps: readonly Step[]): Promise<void> {
    if (steps.length === 0) return;
    await this.#db.query(
      `WITH s AS (${stepInsert('$1')})
       UPDATE episodes SET step_count = $3 WHERE id = $1 AND namespace = $4`,
      [episodeId, stepRecords(steps), steps.at(-1)!.seq, this.#ns],
    );
  }

  async finishEpisode(done: CompletedEpisode): Promise<void> {
    const [task, summary, tools, reflection] = ftsDocument(done);
    await this.#db.query(
      `UPDATE episodes SET ended_at = $3, outcome_status = $4, outcome = $5, reward_total = $6, reward = $7,
         reflection = $8, summary = $9, pattern_ids = $10, heuristic_ids = $11,
         fts = setweight(to_tsvector('english', $12), 'A') || setweight(to_tsvector('english', $13), 'B')
           || setweight(to_tsvector('english', $14), 'C') || setweight(to_tsvector('english', $15), 'D')
       WHERE id = $1 AND namespace = $2`,
      [
        done.id,
        this.#ns,
        Date.parse(done.endedAt),
        done.outcome.status,
        JSON.stringify(done.outcome),
        done.reward.total,
        JSON.stringify(done.reward),
        JSON.stringify(done.reflection),
        JSON.stringify(done.summary),
        JSON.stringify(done.patternIds),
        JSON.stringify(done.heuristicIds),
        task,
        summary,
        tools,
        reflection,
      ],
    );
  }

  async setTags(episodeId: string, tags: readonly string[], indexed: readonly string[]): Promise<void> {
    // Drop the index rows no longer wanted and add the missing ones: no row is deleted and inserted at once.
    await this.#db.query(
      `WITH e AS (UPDATE episodes SET tags = $3 WHERE id = $1 AND namespace = $2 RETURNING id),
       d AS (DELETE FROM episode_tags t USING e WHERE t.episode_id = e.id AND t.tag <> ALL($4::text[]))
       INSERT INTO episode_tags (tag, episode_id) SELECT DISTINCT tag, e.id FROM e, unnest($4::text[]) AS tag
       ON CONFLICT DO NOTHING`,
      [episodeId, this.#ns, JSON.stringify(tags), [...new Set(indexed)]],
    );
  }

  async deleteEpisodes(ids: readonly string[], options: { completedOnly: boolean }): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    // Steps, tags, checkpoints and links go with the row (ON DELETE CASCADE); vectors are keyed by item id.
    const { rows } = await this.#db.query<{ id: string }>(
      `WITH d AS (DELETE FROM episodes WHERE id = ANY($1::text[]) AND namespace = $2
                  ${options.completedOnly ? 'AND ended_at IS NOT NULL' : ''} RETURNING id),
       v AS (DELETE FROM vectors WHERE kind = 'episode' AND item_id IN (SELECT id FROM d))
       SELECT id FROM d`,
      [unique, this.#ns],
    );
    const deleted = new Set(rows.map((r) => r.id));
    return unique.filter((id) => deleted.has(id));
  }

  async patternsByKeys(keys: readonly string[]): Promise<Pattern[]> {
    // FOR UPDATE as well as the key locks: feedback rewrites a pattern by id (row lock only), and a completion
    // must read the version that feedback committed, not overwrite it with an older one.
    const rows = await bodiesByColumn(this.#db, this.#ns, 'patterns', 'key', keys, true);
    const patterns = parseRows(rows, (r) => rowToPattern(r.body));
    // A corrupt stored row counts as absent and is removed, so learning writes afresh instead of failing forever.
    const parsed = new Set(patterns.map((p) => p.id));
    await this.#deleteRows(
      'patterns',
      rows.map((r) => r.id).filter((id) => !parsed.has(id)),
    );
    return patterns;
  }

  async patternsByIds(ids: readonly string[]): Promise<Pattern[]> {
    const rows = await bodiesByColumn(this.#db, this.#ns, 'patterns', 'id', ids, true);
    return rows.map((r) => rowToPattern(r.body));
  }

  async upsertPatterns(
    patterns: readonly Pattern[],
    previousDescriptions: ReadonlyMap<string, string>,
  ): Promise<void> {
    const items = [...new Map(patterns.map((p) => [p.key, p])).values()];
    if (items.length === 0) return;
    // A changed description makes the pattern's vectors stale; its full-text entry is a generated column.
    const stale = items
      .filter((p) => previousDescriptions.has(p.id) && previousDescriptions.get(p.id) !== p.description)
      .map((p) => p.id);
    await this.#db.query(
      `WITH v AS (DELETE FROM vectors WHERE kind = 'pattern' AND item_id = ANY($11::text[]))
       INSERT INTO patterns (namespace, id, key, type, domain, occurrences, success_rate, last_seen, description, body)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::integer[],
         $7::double precision[], $8::bigint[], $9::text[], $10::text[])
       ON CONFLICT (namespace, key) DO UPDATE SET occurrences = excluded.occurrences,
         success_rate = excluded.success_rate, last_seen = excluded.last_seen, description = excluded.description,
         body = excluded.body`,
      [
        this.#ns,
        items.map((p) => p.id),
        items.map((p) => p.key),
        items.map((p) => p.type),
        items.map((p) => p.context.domain),
        items.map((p) => p.occurrences),
        items.map((p) => p.successRate),
        items.map((p) => Date.parse(p.lastSeen)),
        items.map((p) => p.description),
        items.map((p) => JSON.stringify(p)),
        stale,
      ],
    );
  }

  async heuristicsByTriggers(triggers: readonly string[]): Promise<Heuristic[]> {
    const rows = await bodiesByColumn(this.#db, this.#ns, 'heuristics', 'trigger', triggers);
    const heuristics = parseRows(rows, (r) => rowToHeuristic(r.body));
    const parsed = new Set(heuristics.map((h) => h.id));
    await this.#deleteRows(
      'heuristics',
      rows.map((r) => r.id).filter((id) => !parsed.has(id)),
    );
    return heuristics;
  }

  async upsertHeuristics(heuristics: readonly Heuristic[]): Promise<void> {
    const items = [...new Map(heuristics.map((h) => [h.key, h])).values()];
    if (items.length === 0) return;
    await this.#db.query(
      `INSERT INTO heuristics (namespace, id, key, trigger, domain, confidence, body)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::double precision[], $7::text[])
       ON CONFLICT (namespace, key) DO UPDATE SET confidence = excluded.confidence, body = excluded.body`,
      [
        this.#ns,
        items.map((h) => h.id),
        items.map((h) => h.key),
        items.map((h) => h.trigger),
        items.map((h) => h.domain),
        items.map((h) => h.confidence),
        items.map((h) => JSON.stringify(h)),
      ],
    );
  }

  async addToolEvidence(evidence: ToolEvidence): Promise<void> {
    if (evidence.features.length === 0 || evidence.tools.length === 0) return;
    // Every (feature, tool) pair once, counted as often as it occurs; rows in one order, so that two writers
    // lock shared rows in the same order.
    await this.#db.query(
      `INSERT INTO tool_evidence (namespace, domain, feature, tool, successes, failures)
       SELECT $1, $2, f, t, $5 * count(*), $6 * count(*) FROM unnest($3::text[]) AS f, unnest($4::text[]) AS t
       GROUP BY f, t ORDER BY f COLLATE "C", t COLLATE "C"
       ON CONFLICT (namespace, domain, feature, tool) DO UPDATE SET
         successes = tool_evidence.successes + excluded.successes,
         failures = tool_evidence.failures + excluded.failures`,
      [
        this.#ns,
        evidence.domain,
        evidence.features,
        evidence.tools,
        evidence.success ? 1 : 0,
        evidence.success ? 0 : 1,
      ],
    );
  }

  async insertFeedback(feedback: Feedback): Promise<void> {
    await this.#db.query(
      `INSERT INTO feedback (id, namespace, episode_id, pattern_ids, playbook_steps, success, note, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        feedback.id,
        this.#ns,
        feedback.episodeId ?? null,
        JSON.stringify(feedback.patternIds),
        JSON.stringify(feedback.playbookSteps),
        feedback.success,
        feedback.note ?? null,
        Date.parse(feedback.at),
      ],
    );
  }

  async insertCheckpoint(checkpoint: Checkpoint): Promise<void> {
    await this.#db.query(
      `INSERT INTO checkpoints (id, episode_id, at, note, progress, step_count)
       SELECT $1, id, $3, $4, $5, $6 FROM episodes WHERE id = $2 AND namespace = $7`,
      [
        checkpoint.id,
        checkpoint.episodeId,
        Date.parse(checkpoint.at),
        checkpoint.note,
        checkpoint.progress ?? null,
        checkpoint.stepCount,
        this.#ns,
      ],
    );
  }

  async linkExists(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    const { rows } = await this.#db.query(
      `SELECT 1 FROM episode_links l JOIN episodes f ON f.id = l.from_id
       WHERE l.from_id = $1 AND l.to_id = $2 AND l.type = $3 AND f.namespace = $4`,
      [link.from, link.to, link.type, this.#ns],
    );
    return rows.length > 0;
  }

  async linksFrom(from: readonly string[], type: LinkType): Promise<Array<{ from: string; to: string }>> {
    if (from.length === 0) return [];
    const { rows } = await this.#db.query<{ from: string; to: string }>(
      `SELECT l.from_id AS "from", l.to_id AS "to" FROM episode_links l JOIN episodes f ON f.id = l.from_id
       WHERE l.type = $1 AND f.namespace = $2 AND l.from_id = ANY($3::text[])
       ORDER BY l.created_at, l.to_id COLLATE "C"`,
      [type, this.#ns, [...from]],
    );
    return rows;
  }

  async insertLink(link: Link): Promise<void> {
    await this.#db.query(
      `INSERT INTO episode_links (from_id, to_id, type, note, created_at)
       SELECT f.id, t.id, $3, $4, $5 FROM episodes f, episodes t
       WHERE f.id = $1 AND t.id = $2 AND f.namespace = $6 AND t.namespace = $6`,
      [link.from, link.to, link.type, link.note ?? null, Date.parse(link.createdAt), this.#ns],
    );
  }

  async deleteLink(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `DELETE FROM episode_links l USING episodes f
       WHERE l.from_id = $1 AND l.to_id = $2 AND l.type = $3 AND f.id = l.from_id AND f.namespace = $4`,
      [link.from, link.to, link.type, this.#ns],
    );
    return (rowCount ?? 0) > 0;
  }

  async putVectors(items: readonly StoredVector[]): Promise<void> {
    // Indexes first: building one waits for other writers of `vectors`, so this transaction holds none of its rows.
    for (const v of items) {
      const key = `${v.provider}\u0000${v.vector.length}`;
      if (this.#indexes.has(key) || this.madeIndexes.includes(key) || v.vector.length === 0) continue;
      await vectors.ensureHnswIndex(this.#db, v.provider, v.vector.length);
      this.madeIndexes.push(key);
    }
    await vectors.putVectors(this.#db, this.#ns, items);
  }

  async bumpGeneration(): Promise<void> {
    await this.#db.query("UPDATE meta SET value = value + 1 WHERE key = 'write_generation'");
  }

  async #deleteRows(table: 'patterns' | 'heuristics', ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.query(
      `WITH d AS (DELETE FROM ${table} WHERE id = ANY($1::text[]) AND namespace = $2 RETURNING id)
       ${table === 'patterns' ? "DELETE FROM vectors WHERE kind = 'pattern' AND item_id IN (SELECT id FROM d)" : 'SELECT 1'}`,
      [ids, this.#ns],
    );
  }
}
