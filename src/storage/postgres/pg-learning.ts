import type { Heuristic, Pattern } from '../../core/index.js';
import type { ToolCountDelta } from '../port.js';
import { parseRows, rowToHeuristic, rowToPattern } from '../rows.js';
import { bodiesByColumn, type Db } from './pg-reads.js';

/** What learning writes inside a completion's transaction: patterns, heuristics and tool counts. */

export async function patternsByKeys(db: Db, ns: string, keys: readonly string[]): Promise<Pattern[]> {
  // FOR UPDATE as well as the key locks: feedback rewrites a pattern by id (row lock only), and a completion
  // must read the version that feedback committed, not overwrite it with an older one.
  const rows = await bodiesByColumn(db, ns, 'patterns', 'key', keys, true);
  const patterns = parseRows(rows, (r) => rowToPattern(r.body));
  // A corrupt stored row counts as absent and is removed, so learning writes afresh instead of failing forever.
  const parsed = new Set(patterns.map((p) => p.id));
  await deleteRows(
    db,
    ns,
    'patterns',
    rows.map((r) => r.id).filter((id) => !parsed.has(id)),
  );
  return patterns;
}

export async function upsertPatterns(
  db: Db,
  ns: string,
  patterns: readonly Pattern[],
  previousDescriptions: ReadonlyMap<string, string>,
): Promise<void> {
  const items = [...new Map(patterns.map((p) => [p.key, p])).values()];
  if (items.length === 0) return;
  // A changed description makes the pattern's vectors stale; its full-text entry is a generated column.
  const stale = items
    .filter((p) => previousDescriptions.has(p.id) && previousDescriptions.get(p.id) !== p.description)
    .map((p) => p.id);
  await db.query(
    `WITH v AS (DELETE FROM vectors WHERE kind = 'pattern' AND item_id = ANY($11::text[]))
       INSERT INTO patterns (namespace, id, key, type, domain, occurrences, success_rate, last_seen, description, body)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::integer[],
         $7::double precision[], $8::bigint[], $9::text[], $10::text[])
       ON CONFLICT (namespace, key) DO UPDATE SET occurrences = excluded.occurrences,
         success_rate = excluded.success_rate, last_seen = excluded.last_seen, description = excluded.description,
         body = excluded.body`,
    [
      ns,
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

export async function heuristicsByTriggers(
  db: Db,
  ns: string,
  triggers: readonly string[],
): Promise<Heuristic[]> {
  const rows = await bodiesByColumn(db, ns, 'heuristics', 'trigger', triggers);
  const heuristics = parseRows(rows, (r) => rowToHeuristic(r.body));
  const parsed = new Set(heuristics.map((h) => h.id));
  await deleteRows(
    db,
    ns,
    'heuristics',
    rows.map((r) => r.id).filter((id) => !parsed.has(id)),
  );
  return heuristics;
}

export async function upsertHeuristics(db: Db, ns: string, heuristics: readonly Heuristic[]): Promise<void> {
  const items = [...new Map(heuristics.map((h) => [h.key, h])).values()];
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO heuristics (namespace, id, key, trigger, domain, confidence, body)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::double precision[], $7::text[])
       ON CONFLICT (namespace, key) DO UPDATE SET confidence = excluded.confidence, body = excluded.body`,
    [
      ns,
      items.map((h) => h.id),
      items.map((h) => h.key),
      items.map((h) => h.trigger),
      items.map((h) => h.domain),
      items.map((h) => h.confidence),
      items.map((h) => JSON.stringify(h)),
    ],
  );
}

export async function addToolCounts(db: Db, ns: string, counts: readonly ToolCountDelta[]): Promise<void> {
  if (counts.length === 0) return;
  // Rows in one order, so that two writers lock shared rows in the same order.
  await db.query(
    `INSERT INTO tool_evidence (namespace, domain, feature, tool, successes, failures)
       SELECT $1, d, f, t, s, x FROM unnest($2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[])
         AS c(d, f, t, s, x)
       ORDER BY d COLLATE "C", f COLLATE "C", t COLLATE "C"
       ON CONFLICT (namespace, domain, feature, tool) DO UPDATE SET
         successes = tool_evidence.successes + excluded.successes,
         failures = tool_evidence.failures + excluded.failures`,
    [
      ns,
      counts.map((c) => c.domain),
      counts.map((c) => c.feature),
      counts.map((c) => c.tool),
      counts.map((c) => c.successes),
      counts.map((c) => c.failures),
    ],
  );
}

async function deleteRows(
  db: Db,
  ns: string,
  table: 'patterns' | 'heuristics',
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `WITH d AS (DELETE FROM ${table} WHERE id = ANY($1::text[]) AND namespace = $2 RETURNING id)
       ${table === 'patterns' ? "DELETE FROM vectors WHERE kind = 'pattern' AND item_id IN (SELECT id FROM d)" : 'SELECT 1'}`,
    [ids, ns],
  );
}
