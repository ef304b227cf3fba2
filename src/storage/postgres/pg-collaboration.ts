import {
  type Checkpoint,
  type Feedback,
  type Link,
  type LinkType,
  LinkTypeSchema,
  MemoryError,
} from '../../core/index.js';
import { type FeedbackRow, rowToFeedback } from '../rows.js';
import type { Db } from './pg-reads.js';

/** Feedback, checkpoints and links: their reads, and the writes a transaction (pg-writes.ts) makes of them. */

const iso = (ms: number): string => new Date(ms).toISOString();

function notFound(id: string): MemoryError {
  return new MemoryError('NOT_FOUND', `episode ${id} does not exist`, { details: { episodeId: id } });
}

export async function listFeedback(db: Db, ns: string, query: { limit: number }): Promise<Feedback[]> {
  const { rows } = await db.query<FeedbackRow>(
    `SELECT id, episode_id, pattern_ids, playbook_steps, success, note, at FROM feedback WHERE namespace = $1
     ORDER BY at DESC, id COLLATE "C" DESC LIMIT $2`,
    [ns, query.limit],
  );
  return rows.map(rowToFeedback);
}

/** Oldest first; NOT_FOUND when the episode is not in the namespace (one query either way). */
export async function listCheckpoints(db: Db, ns: string, episodeId: string): Promise<Checkpoint[]> {
  const { rows } = await db.query<{
    id: string | null;
    at: number;
    note: string;
    progress: number | null;
    step_count: number;
  }>(
    `SELECT c.id, c.at, c.note, c.progress, c.step_count FROM episodes e
       LEFT JOIN checkpoints c ON c.episode_id = e.id
     WHERE e.id = $1 AND e.namespace = $2 ORDER BY c.at, c.id COLLATE "C"`,
    [episodeId, ns],
  );
  if (rows.length === 0) throw notFound(episodeId);
  return rows.flatMap((row) =>
    row.id === null
      ? []
      : [
          {
            id: row.id,
            episodeId,
            at: iso(row.at),
            note: row.note,
            ...(row.progress === null ? {} : { progress: row.progress }),
            stepCount: row.step_count,
          },
        ],
  );
}

/** Links from or to the episode, oldest first; NOT_FOUND when the episode is not in the namespace. */
export async function listLinks(db: Db, ns: string, episodeId: string): Promise<Link[]> {
  const { rows } = await db.query<{
    from_id: string | null;
    to_id: string;
    type: string;
    note: string | null;
    created_at: number;
  }>(
    `SELECT l.from_id, l.to_id, l.type, l.note, l.created_at FROM episodes e
       LEFT JOIN episode_links l ON l.from_id = e.id OR l.to_id = e.id
     WHERE e.id = $1 AND e.namespace = $2
     ORDER BY l.created_at, l.type COLLATE "C", l.from_id COLLATE "C", l.to_id COLLATE "C"`,
    [episodeId, ns],
  );
  if (rows.length === 0) throw notFound(episodeId);
  return rows.flatMap((row) =>
    row.from_id === null
      ? []
      : [
          {
            from: row.from_id,
            to: row.to_id,
            type: LinkTypeSchema.parse(row.type),
            ...(row.note === null ? {} : { note: row.note }),
            createdAt: iso(row.created_at),
          },
        ],
  );
}

/** The namespaces that hold anything, sorted. */
export async function namespaces(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT n FROM (SELECT namespace AS n FROM episodes UNION SELECT namespace FROM patterns
       UNION SELECT namespace FROM heuristics UNION SELECT namespace FROM feedback
       UNION SELECT namespace FROM tool_evidence UNION SELECT namespace FROM vectors) x ORDER BY n COLLATE "C"`,
  );
  return rows.map((r) => r.n);
}

// Writes, inside a transaction of pg-writes.ts.

export async function insertFeedback(db: Db, ns: string, feedback: Feedback): Promise<void> {
  await db.query(
    `INSERT INTO feedback (id, namespace, episode_id, pattern_ids, playbook_steps, success, note, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      feedback.id,
      ns,
      feedback.episodeId ?? null,
      JSON.stringify(feedback.patternIds),
      JSON.stringify(feedback.playbookSteps),
      feedback.success,
      feedback.note ?? null,
      Date.parse(feedback.at),
    ],
  );
}

export async function insertCheckpoint(db: Db, ns: string, checkpoint: Checkpoint): Promise<void> {
  await db.query(
    `INSERT INTO checkpoints (id, episode_id, at, note, progress, step_count)
       SELECT $1, id, $3, $4, $5, $6 FROM episodes WHERE id = $2 AND namespace = $7`,
    [
      checkpoint.id,
      checkpoint.episodeId,
      Date.parse(checkpoint.at),
      checkpoint.note,
      checkpoint.progress ?? null,
      checkpoint.stepCount,
      ns,
    ],
  );
}

export async function linkExists(
  db: Db,
  ns: string,
  link: { from: string; to: string; type: LinkType },
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM episode_links l JOIN episodes f ON f.id = l.from_id
       WHERE l.from_id = $1 AND l.to_id = $2 AND l.type = $3 AND f.namespace = $4`,
    [link.from, link.to, link.type, ns],
  );
  return rows.length > 0;
}

export async function linksFrom(
  db: Db,
  ns: string,
  from: readonly string[],
  type: LinkType,
): Promise<Array<{ from: string; to: string }>> {
  if (from.length === 0) return [];
  const { rows } = await db.query<{ from: string; to: string }>(
    `SELECT l.from_id AS "from", l.to_id AS "to" FROM episode_links l JOIN episodes f ON f.id = l.from_id
       WHERE l.type = $1 AND f.namespace = $2 AND l.from_id = ANY($3::text[])
       ORDER BY l.created_at, l.to_id COLLATE "C"`,
    [type, ns, [...from]],
  );
  return rows;
}

export async function insertLink(db: Db, ns: string, link: Link): Promise<void> {
  await db.query(
    `INSERT INTO episode_links (from_id, to_id, type, note, created_at)
       SELECT f.id, t.id, $3, $4, $5 FROM episodes f, episodes t
       WHERE f.id = $1 AND t.id = $2 AND f.namespace = $6 AND t.namespace = $6`,
    [link.from, link.to, link.type, link.note ?? null, Date.parse(link.createdAt), ns],
  );
}

export async function deleteLink(
  db: Db,
  ns: string,
  link: { from: string; to: string; type: LinkType },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM episode_links l USING episodes f
       WHERE l.from_id = $1 AND l.to_id = $2 AND l.type = $3 AND f.id = l.from_id AND f.namespace = $4`,
    [link.from, link.to, link.type, ns],
  );
  return (rowCount ?? 0) > 0;
}
