import type {
  Episode,
  Heuristic,
  Learn,
  LearningResult,
  Outcome,
  Pattern,
  Step,
  ToolEvidence,
} from '../../core/index.js';
import type { Sql } from './driver.js';
import { ftsDocument, parseRows, rowToHeuristic, rowToPattern, stepValues } from './rows.js';
import { deleteAnnVectors } from './sqlite-ann.js';
import { bodiesByColumn } from './sqlite-reads.js';

/** Write statements of the embedded store; the caller holds the transaction. */

/** Every write that can change a retrieval result moves this on, invalidating cached results. */
export function bumpGeneration(sql: Sql): void {
  sql("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'write_generation'").run();
}

/** Reads the episode with its steps, sets its outcome, runs learning and writes everything learned. */
export function learnAndStore(
  sql: Sql,
  episode: Episode & { outcome: Outcome; endedAt: string },
  learn: Learn,
): LearningResult {
  const plan = learn(episode);
  // A corrupt stored row counts as absent and is removed, so learning writes afresh instead of failing forever.
  const patterns = parseRows(bodiesByColumn(sql, 'patterns', 'key', plan.patternKeys), rowToPattern);
  const heuristics = parseRows(
    bodiesByColumn(sql, 'heuristics', 'trigger', plan.heuristicTriggers),
    rowToHeuristic,
  );
  dropCorruptRows(sql, plan.patternKeys, patterns, plan.heuristicTriggers, heuristics);
  const result = plan.finish({ patterns, heuristics });
  const done = result.episode;
  sql(
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
  const upsertPattern = sql(
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
    indexPattern(sql, p, previous.get(p.id));
  }
  const upsertHeuristic = sql(
    `INSERT INTO heuristics (id, key, trigger, domain, confidence, body) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET confidence = excluded.confidence, body = excluded.body`,
  );
  for (const h of result.heuristics) {
    upsertHeuristic.run(h.id, h.key, h.trigger, h.domain, h.confidence, JSON.stringify(h));
  }
  addToolEvidence(sql, result.toolEvidence);
  const rid = (sql('SELECT rid FROM episodes WHERE id = ?').get(done.id) as { rid: number }).rid;
  sql('INSERT INTO episodes_fts (rowid, task, summary, tools, reflection) VALUES (?, ?, ?, ?, ?)').run(
    rid,
    ...ftsDocument(done),
  );
  bumpGeneration(sql);
  return result;
}

/** Deletes the pattern rows (with their index rows) and heuristic rows that were asked for but did not parse. */
function dropCorruptRows(
  sql: Sql,
  patternKeys: readonly string[],
  patterns: readonly Pattern[],
  triggers: readonly string[],
  heuristics: readonly Heuristic[],
): void {
  const parsedKeys = new Set(patterns.map((p) => p.key));
  for (const key of patternKeys) {
    if (parsedKeys.has(key)) continue;
    const row = sql('SELECT rowid AS r, id FROM patterns WHERE key = ?').get(key) as
      | { r: number; id: string }
      | undefined;
    if (!row) continue;
    sql('DELETE FROM patterns_fts WHERE rowid = ?').run(row.r);
    sql("DELETE FROM vectors WHERE kind = 'pattern' AND item_id = ?").run(row.id);
    deleteAnnVectors(sql, 'pattern', row.id);
    sql('DELETE FROM patterns WHERE rowid = ?').run(row.r);
  }
  if (triggers.length === 0) return;
  const parsedIds = new Set(heuristics.map((h) => h.id));
  const rows = sql('SELECT id FROM heuristics WHERE trigger IN (SELECT value FROM json_each(?))').all(
    JSON.stringify(triggers),
  ) as Array<{ id: string }>;
  for (const { id } of rows) if (!parsedIds.has(id)) sql('DELETE FROM heuristics WHERE id = ?').run(id);
}

/** One more episode for every (feature, tool) pair of the evidence; counts only add. */
function addToolEvidence(sql: Sql, evidence: ToolEvidence): void {
  const column = evidence.success ? 'successes' : 'failures';
  const upsert = sql(
    `INSERT INTO tool_evidence (domain, feature, tool, ${column}) VALUES (?, ?, ?, 1)
     ON CONFLICT (domain, feature, tool) DO UPDATE SET ${column} = ${column} + 1`,
  );
  for (const feature of evidence.features)
    for (const tool of evidence.tools) upsert.run(evidence.domain, feature, tool);
}

/**
 * Keeps the pattern's full-text row current after its upsert; a changed description also makes its vector
 * stale. `previousDescription` is undefined for a new pattern.
 */
function indexPattern(sql: Sql, pattern: Pattern, previousDescription: string | undefined): void {
  if (previousDescription === pattern.description) return;
  const { r: rowid } = sql('SELECT rowid AS r FROM patterns WHERE id = ?').get(pattern.id) as {
    r: number;
  };
  if (previousDescription !== undefined) {
    sql('DELETE FROM patterns_fts WHERE rowid = ?').run(rowid);
    sql("DELETE FROM vectors WHERE kind = 'pattern' AND item_id = ?").run(pattern.id);
    deleteAnnVectors(sql, 'pattern', pattern.id);
  }
  sql('INSERT INTO patterns_fts (rowid, description, signature) VALUES (?, ?, ?)').run(
    rowid,
    pattern.description,
    pattern.key,
  );
}

export function insertEpisode(sql: Sql, episode: Episode): void {
  // Not `RETURNING rid` with get(): a libsql statement whose get() once threw (a duplicate id) keeps throwing.
  const { lastInsertRowid } = sql(
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
  const insertTag = sql('INSERT OR IGNORE INTO episode_tags (tag, episode_rid) VALUES (?, ?)');
  for (const tag of new Set([...episode.tags, ...episode.context.tags])) insertTag.run(tag, rid);
  insertSteps(sql, rid, episode.steps);
}

export function insertSteps(sql: Sql, rid: number, steps: readonly Step[]): void {
  const insert = sql(
    `INSERT INTO steps (episode_rid, seq, at, tool, action, params, status, output, latency_ms, tokens, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const step of steps) insert.run(rid, ...stepValues(step));
}
