import { z } from 'zod';
import {
  type Checkpoint,
  type Episode,
  type Feedback,
  type Link,
  type LinkType,
  LinkTypeSchema,
  MemoryError,
  ORDERED_LINK_TYPES,
  type Pattern,
} from '../../core/index.js';
import type { Sql } from './driver.js';
import { rowToPattern } from './rows.js';
import { loadEpisode } from './sqlite-reads.js';
import { bumpGeneration } from './sqlite-writes.js';

/** Feedback, checkpoints, tags and links of the embedded store; writers expect the caller's transaction. */

const iso = (ms: number): string => new Date(ms).toISOString();

function notFound(what: 'episode' | 'pattern', id: string): MemoryError {
  return new MemoryError('NOT_FOUND', `${what} ${id} does not exist`, { details: { [`${what}Id`]: id } });
}

function episodeRow(sql: Sql, id: string): { rid: number; ended_at: number | null; step_count: number } {
  const row = sql('SELECT rid, ended_at, step_count FROM episodes WHERE id = ?').get(id) as
    | { rid: number; ended_at: number | null; step_count: number }
    | undefined;
  if (!row) throw notFound('episode', id);
  return row;
}

function parseJson<S extends z.ZodType>(schema: S, text: string, name: string): z.output<S> {
  try {
    return schema.parse(JSON.parse(text));
  } catch (cause) {
    throw new MemoryError('STORAGE_ERROR', `stored column ${name} is corrupt`, {
      cause,
      details: { column: name },
    });
  }
}

export function recordFeedback(sql: Sql, feedback: Feedback, apply: (p: Pattern) => Pattern): Pattern[] {
  if (feedback.episodeId !== undefined) episodeRow(sql, feedback.episodeId);
  const ids = [...new Set(feedback.patternIds)];
  const updated = ids.map((id) => {
    const row = sql('SELECT body FROM patterns WHERE id = ?').get(id) as { body: string } | undefined;
    if (!row) throw notFound('pattern', id);
    return apply(rowToPattern(row.body));
  });
  const write = sql('UPDATE patterns SET body = ? WHERE id = ?');
  for (const p of updated) write.run(JSON.stringify(p), p.id);
  sql(
    `INSERT INTO feedback (id, episode_id, pattern_ids, playbook_steps, success, note, at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    feedback.id,
    feedback.episodeId ?? null,
    JSON.stringify(feedback.patternIds),
    JSON.stringify(feedback.playbookSteps),
    feedback.success ? 1 : 0,
    feedback.note ?? null,
    Date.parse(feedback.at),
  );
  // Effectiveness is a ranking signal: cached retrieval results must go.
  bumpGeneration(sql);
  return updated;
}

interface FeedbackRow {
  id: string;
  episode_id: string | null;
  pattern_ids: string;
  playbook_steps: string;
  success: number;
  note: string | null;
  at: number;
}

export function listFeedback(sql: Sql, query: { limit: number }): Feedback[] {
  const rows = sql(
    'SELECT id, episode_id, pattern_ids, playbook_steps, success, note, at FROM feedback ORDER BY at DESC, id DESC LIMIT ?',
  ).all(query.limit) as FeedbackRow[];
  return rows.map((row) => ({
    id: row.id,
    ...(row.episode_id === null ? {} : { episodeId: row.episode_id }),
    patternIds: parseJson(z.array(z.string()), row.pattern_ids, 'feedback.pattern_ids'),
    playbookSteps: parseJson(
      z.array(z.object({ tool: z.string() })),
      row.playbook_steps,
      'feedback.playbook_steps',
    ),
    success: row.success === 1,
    ...(row.note === null ? {} : { note: row.note }),
    at: iso(row.at),
  }));
}

export function addCheckpoint(sql: Sql, checkpoint: Omit<Checkpoint, 'stepCount'>): Checkpoint {
  const row = episodeRow(sql, checkpoint.episodeId);
  if (row.ended_at !== null) {
    throw new MemoryError(
      'EPISODE_COMPLETED',
      `episode ${checkpoint.episodeId} is completed; checkpoints are for episodes in progress`,
    );
  }
  const stored: Checkpoint = { ...checkpoint, stepCount: row.step_count };
  sql(
    'INSERT INTO checkpoints (id, episode_rid, at, note, progress, step_count) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(stored.id, row.rid, Date.parse(stored.at), stored.note, stored.progress ?? null, stored.stepCount);
  return stored;
}

export function listCheckpoints(sql: Sql, episodeId: string): Checkpoint[] {
  const { rid } = episodeRow(sql, episodeId);
  const rows = sql(
    'SELECT id, at, note, progress, step_count FROM checkpoints WHERE episode_rid = ? ORDER BY at, id',
  ).all(rid) as Array<{ id: string; at: number; note: string; progress: number | null; step_count: number }>;
  return rows.map((row) => ({
    id: row.id,
    episodeId,
    at: iso(row.at),
    note: row.note,
    ...(row.progress === null ? {} : { progress: row.progress }),
    stepCount: row.step_count,
  }));
}

export function updateTags(
  sql: Sql,
  episodeId: string,
  change: { add: readonly string[]; remove: readonly string[] },
): Episode {
  const episode = loadEpisode(sql, episodeId, true);
  if (!episode) throw notFound('episode', episodeId);
  const removed = new Set(change.remove);
  const tags = [...new Set([...episode.tags, ...change.add])].filter((t) => !removed.has(t)).sort();
  const { rid } = episodeRow(sql, episodeId);
  sql('UPDATE episodes SET tags = ? WHERE rid = ?').run(JSON.stringify(tags), rid);
  // The tag index holds episode and context tags alike: rebuild it from both.
  sql('DELETE FROM episode_tags WHERE episode_rid = ?').run(rid);
  const insert = sql('INSERT OR IGNORE INTO episode_tags (tag, episode_rid) VALUES (?, ?)');
  for (const tag of new Set([...tags, ...episode.context.tags])) insert.run(tag, rid);
  bumpGeneration(sql);
  return { ...episode, tags };
}

export function addLink(sql: Sql, link: Link): Link {
  if (link.from === link.to) {
    throw new MemoryError('INVALID_INPUT', `an episode cannot be linked to itself (${link.from})`);
  }
  const from = episodeRow(sql, link.from).rid;
  const to = episodeRow(sql, link.to).rid;
  if (
    sql('SELECT 1 FROM episode_links WHERE from_rid = ? AND type = ? AND to_rid = ?').get(from, link.type, to)
  ) {
    throw new MemoryError('CONFLICT', `episode ${link.from} already ${link.type} ${link.to}`, {
      details: { from: link.from, to: link.to, type: link.type },
    });
  }
  if (ORDERED_LINK_TYPES.includes(link.type)) {
    const path = pathBetween(sql, to, from, link.type);
    if (path) {
      const cycle = [link.from, ...path].join(' → ');
      throw new MemoryError(
        'CONFLICT',
        `a ${link.type} link from ${link.from} to ${link.to} would close a cycle: ${cycle}`,
        {
          details: { cycle: [link.from, ...path], type: link.type },
        },
      );
    }
  }
  sql('INSERT INTO episode_links (from_rid, to_rid, type, note, created_at) VALUES (?, ?, ?, ?, ?)').run(
    from,
    to,
    link.type,
    link.note ?? null,
    Date.parse(link.createdAt),
  );
  return link;
}

/**
 * The episode ids along a chain of `type` links from `start` to `goal`, or null. Reachability comes first
 * (rows deduplicated by rid, so it ends on any graph); the path is only traced when there is one.
 */
function pathBetween(sql: Sql, start: number, goal: number, type: LinkType): string[] | null {
  const reachable = sql(
    `WITH RECURSIVE reach (rid) AS (
       SELECT ? UNION SELECT l.to_rid FROM episode_links l JOIN reach r ON l.from_rid = r.rid WHERE l.type = ?
     ) SELECT 1 AS found FROM reach WHERE rid = ?`,
  ).get(start, type, goal);
  if (!reachable) return null;
  // Links of an ordered type form a DAG before this insert, so paths end; the LIMIT bounds a wide one.
  const row = sql(
    `WITH RECURSIVE walk (rid, path) AS (
       SELECT ?, json_array((SELECT id FROM episodes WHERE rid = ?))
       UNION ALL
       SELECT l.to_rid, json_insert(w.path, '$[#]', e.id)
         FROM walk w JOIN episode_links l ON l.from_rid = w.rid AND l.type = ?
         JOIN episodes e ON e.rid = l.to_rid
         LIMIT 100000
     ) SELECT path FROM walk WHERE rid = ? LIMIT 1`,
  ).get(start, start, type, goal) as { path: string } | undefined;
  return row ? parseJson(z.array(z.string()), row.path, 'episode_links path') : [];
}

export function removeLink(sql: Sql, link: { from: string; to: string; type: LinkType }): boolean {
  const { changes } = sql(
    `DELETE FROM episode_links WHERE type = ?
       AND from_rid = (SELECT rid FROM episodes WHERE id = ?) AND to_rid = (SELECT rid FROM episodes WHERE id = ?)`,
  ).run(link.type, link.from, link.to);
  return changes > 0;
}

export function listLinks(sql: Sql, episodeId: string): Link[] {
  const { rid } = episodeRow(sql, episodeId);
  const rows = sql(
    `SELECT f.id AS from_id, t.id AS to_id, l.type, l.note, l.created_at
       FROM episode_links l JOIN episodes f ON f.rid = l.from_rid JOIN episodes t ON t.rid = l.to_rid
      WHERE l.from_rid = ? OR l.to_rid = ? ORDER BY l.created_at, l.type, f.id, t.id`,
  ).all(rid, rid) as Array<{
    from_id: string;
    to_id: string;
    type: string;
    note: string | null;
    created_at: number;
  }>;
  return rows.map((row) => ({
    from: row.from_id,
    to: row.to_id,
    type: LinkTypeSchema.parse(row.type),
    ...(row.note === null ? {} : { note: row.note }),
    createdAt: iso(row.created_at),
  }));
}
