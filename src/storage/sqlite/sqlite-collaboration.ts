import { type Checkpoint, type Feedback, type Link, LinkTypeSchema, MemoryError } from '../../core/index.js';
import { type FeedbackRow, rowToFeedback } from '../rows.js';
import type { Sql } from './driver.js';

/** Reads of feedback, checkpoints and links of the embedded store (their writes are in sqlite-writes.ts). */

const iso = (ms: number): string => new Date(ms).toISOString();

function notFound(what: 'episode' | 'pattern', id: string): MemoryError {
  return new MemoryError('NOT_FOUND', `${what} ${id} does not exist`, { details: { [`${what}Id`]: id } });
}

function episodeRow(
  sql: Sql,
  ns: string,
  id: string,
): { rid: number; ended_at: number | null; step_count: number } {
  const row = sql('SELECT rid, ended_at, step_count FROM episodes WHERE id = ? AND namespace = ?').get(
    id,
    ns,
  ) as { rid: number; ended_at: number | null; step_count: number } | undefined;
  if (!row) throw notFound('episode', id);
  return row;
}

export function listFeedback(sql: Sql, ns: string, query: { limit: number }): Feedback[] {
  const rows = sql(
    `SELECT id, episode_id, pattern_ids, playbook_steps, success, note, at FROM feedback WHERE namespace = ?
     ORDER BY at DESC, id DESC LIMIT ?`,
  ).all(ns, query.limit) as FeedbackRow[];
  return rows.map(rowToFeedback);
}

export function listCheckpoints(sql: Sql, ns: string, episodeId: string): Checkpoint[] {
  const { rid } = episodeRow(sql, ns, episodeId);
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

export function listLinks(sql: Sql, ns: string, episodeId: string): Link[] {
  const { rid } = episodeRow(sql, ns, episodeId);
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
