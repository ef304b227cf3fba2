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
} from '../../core/index.js';
import type { EpisodeHead, ToolCountDelta, WriteTx } from '../port.js';
import { ftsDocument, rowToPattern, stepValues } from '../rows.js';
import type { StoredVector } from '../storage.js';
import * as collab from './pg-collaboration.js';
import { isRetryable, type PgTarget, toStorageError } from './pg-errors.js';
import * as learning from './pg-learning.js';
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

/** The episodes, their tags and their steps as the three JSON parameters of `insertCompletedEpisodes`. */
function episodeRecords(episodes: readonly CompletedEpisode[]): [string, string, string] {
  const rows: unknown[] = [];
  const tags: unknown[] = [];
  const steps: unknown[] = [];
  episodes.forEach((done, ord) => {
    const c = done.context;
    const [ftsTask, ftsSummary, ftsTools, ftsReflection] = ftsDocument(done);
    rows.push({
      ord,
      id: done.id,
      task: done.task,
      task_type: done.taskType,
      domain: c.domain,
      language: c.language ?? null,
      framework: c.framework ?? null,
      complexity: c.complexity,
      context_tags: JSON.stringify(c.tags),
      tags: JSON.stringify(done.tags),
      metadata: JSON.stringify(done.metadata),
      started_at: Date.parse(done.startedAt),
      step_count: done.steps.length,
      ended_at: Date.parse(done.endedAt),
      outcome_status: done.outcome.status,
      outcome: JSON.stringify(done.outcome),
      reward_total: done.reward.total,
      reward: JSON.stringify(done.reward),
      reflection: JSON.stringify(done.reflection),
      summary: JSON.stringify(done.summary),
      pattern_ids: JSON.stringify(done.patternIds),
      heuristic_ids: JSON.stringify(done.heuristicIds),
      fts_task: ftsTask,
      fts_summary: ftsSummary,
      fts_tools: ftsTools,
      fts_reflection: ftsReflection,
    });
    for (const tag of new Set([...done.tags, ...c.tags])) tags.push({ episode_id: done.id, tag });
    for (const step of done.steps) {
      const [seq, at, tool, action, params, status, output, latencyMs, tokens, metadata] = stepValues(step);
      steps.push({
        episode_id: done.id,
        seq,
        at,
        tool,
        action,
        params,
        status,
        output,
        latency_ms: latencyMs,
        tokens,
        metadata,
      });
    }
  });
  return [JSON.stringify(rows), JSON.stringify(tags), JSON.stringify(steps)];
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
    const { rows } = await this.#db.query<{
      ended_at: number | null;
      step_count: number;
      started_at: number;
      last_step_at: number | null;
    }>(
      `SELECT ended_at, step_count, started_at,
         (SELECT at FROM steps s WHERE s.episode_id = e.id AND s.seq = e.step_count) AS last_step_at
       FROM episodes e WHERE id = $1 AND namespace = $2 FOR UPDATE`,
      [id, this.#ns],
    );
    const row = rows[0];
    if (!row) return null;
    let lastStepAt = row.last_step_at;
    if (lastStepAt === null && row.step_count > 0) {
      // The lock waited for a writer that appended a step: the row is read as that writer left it, but the
      // subquery still ran on the snapshot from before the wait. A new statement sees the step.
      const last = await this.#db.query<{ at: number }>(
        'SELECT at FROM steps WHERE episode_id = $1 AND seq = $2',
        [id, row.step_count],
      );
      lastStepAt = last.rows[0]?.at ?? null;
    }
    return {
      id,
      endedAt: row.ended_at === null ? null : new Date(row.ended_at).toISOString(),
      stepCount: row.step_count,
      lastAt: new Date(Math.max(row.started_at, lastStepAt ?? 0)).toISOString(),
    };
  }

  loadEpisode(id: string): Promise<Episode | null> {
    return loadEpisode(this.#db, this.#ns, id);
  }

  async lockKeys(keys: readonly string[]): Promise<void> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return;
    // One round trip; the ordered subquery takes the locks in sorted order, so no two writers wait in a circle.
    // Advisory locks are global to the database: the key names the schema, so that stores in two schemas (the
    // same namespace in each) never wait for each other.
    await this.#db.query(
      `SELECT count(pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || $1 || ':' || k, 0)))
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

  async takenEpisodeIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.#db.query<{ id: string }>(
      'SELECT id FROM episodes WHERE id = ANY($1::text[])',
      [[...new Set(ids)]],
    );
    return new Set(rows.map((r) => r.id));
  }

  async insertCompletedEpisodes(episodes: readonly CompletedEpisode[]): Promise<void> {
    if (episodes.length === 0) return;
    // One statement for the batch: the episodes in the order given (their `seq`), then their tags and steps.
    const { rows } = await this.#db.query<{ inserted: number }>(
      `WITH x AS (SELECT * FROM json_to_recordset($2::json) AS x(ord integer, id text, task text, task_type text,
           domain text, language text, framework text, complexity text, context_tags text, tags text, metadata text,
           started_at bigint, step_count integer, ended_at bigint, outcome_status text, outcome text,
           reward_total double precision, reward text, reflection text, summary text, pattern_ids text,
           heuristic_ids text, fts_task text, fts_summary text, fts_tools text, fts_reflection text)),
       e AS (
         INSERT INTO episodes (id, namespace, task, task_type, domain, language, framework, complexity,
           context_tags, tags, metadata, started_at, step_count, ended_at, outcome_status, outcome, reward_total,
           reward, reflection, summary, pattern_ids, heuristic_ids, fts, task_fts)
         SELECT id, $1, task, task_type, domain, language, framework, complexity, context_tags, tags, metadata,
           started_at, step_count, ended_at, outcome_status, outcome, reward_total, reward, reflection, summary,
           pattern_ids, heuristic_ids,
           setweight(to_tsvector('english', fts_task), 'A') || setweight(to_tsvector('english', fts_summary), 'B')
             || setweight(to_tsvector('english', fts_tools), 'C')
             || setweight(to_tsvector('english', fts_reflection), 'D'),
           to_tsvector('english', fts_task)
         FROM x ORDER BY ord
         ON CONFLICT (id) DO NOTHING RETURNING id),
       t AS (INSERT INTO episode_tags (tag, episode_id)
         SELECT DISTINCT y.tag, e.id FROM json_to_recordset($3::json) AS y(episode_id text, tag text)
         JOIN e ON e.id = y.episode_id),
       s AS (INSERT INTO steps (episode_id, seq, at, tool, action, params, status, output, latency_ms, tokens,
           metadata)
         SELECT e.id, z.seq, z.at, z.tool, z.action, z.params, z.status, z.output, z.latency_ms, z.tokens,
           z.metadata
         FROM json_to_recordset($4::json) AS z(episode_id text, seq integer, at bigint, tool text, action text,
           params text, status text, output text, latency_ms double precision, tokens integer, metadata text)
         JOIN e ON e.id = z.episode_id)
       SELECT count(*) AS inserted FROM e`,
      [this.#ns, ...episodeRecords(episodes)],
    );
    if (Number(rows[0]?.inserted) !== episodes.length) {
      throw new MemoryError('CONFLICT', 'an episode of this batch already exists', {
        details: { episodeIds: episodes.map((e) => e.id) },
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
           || setweight(to_tsvector('english', $14), 'C') || setweight(to_tsvector('english', $15), 'D'),
         task_fts = to_tsvector('english', $12)
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

  patternsByKeys(keys: readonly string[]): Promise<Pattern[]> {
    return learning.patternsByKeys(this.#db, this.#ns, keys);
  }

  async patternsByIds(ids: readonly string[]): Promise<Pattern[]> {
    const rows = await bodiesByColumn(this.#db, this.#ns, 'patterns', 'id', ids, true);
    return rows.map((r) => rowToPattern(r.body));
  }

  upsertPatterns(
    patterns: readonly Pattern[],
    previousDescriptions: ReadonlyMap<string, string>,
  ): Promise<void> {
    return learning.upsertPatterns(this.#db, this.#ns, patterns, previousDescriptions);
  }

  heuristicsByTriggers(triggers: readonly string[]): Promise<Heuristic[]> {
    return learning.heuristicsByTriggers(this.#db, this.#ns, triggers);
  }

  upsertHeuristics(heuristics: readonly Heuristic[]): Promise<void> {
    return learning.upsertHeuristics(this.#db, this.#ns, heuristics);
  }

  addToolCounts(counts: readonly ToolCountDelta[]): Promise<void> {
    return learning.addToolCounts(this.#db, this.#ns, counts);
  }

  insertFeedback(feedback: Feedback): Promise<void> {
    return collab.insertFeedback(this.#db, this.#ns, feedback);
  }

  insertCheckpoint(checkpoint: Checkpoint): Promise<void> {
    return collab.insertCheckpoint(this.#db, this.#ns, checkpoint);
  }

  linkExists(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    return collab.linkExists(this.#db, this.#ns, link);
  }

  linksFrom(from: readonly string[], type: LinkType): Promise<Array<{ from: string; to: string }>> {
    return collab.linksFrom(this.#db, this.#ns, from, type);
  }

  insertLink(link: Link): Promise<void> {
    return collab.insertLink(this.#db, this.#ns, link);
  }

  deleteLink(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    return collab.deleteLink(this.#db, this.#ns, link);
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

  async putTuning(body: string): Promise<void> {
    await this.#db.query(
      'INSERT INTO tuning (namespace, body) VALUES ($1, $2) ON CONFLICT (namespace) DO UPDATE SET body = excluded.body',
      [this.#ns, body],
    );
  }

  async bumpGeneration(): Promise<void> {
    await this.#db.query("UPDATE meta SET value = value + 1 WHERE key = 'write_generation'");
  }
}
