import { OUTCOME_STATUSES, type OutcomeStatus, PATTERN_TYPES, type PatternType } from '../../core/index.js';
import type { StorageStats } from '../storage.js';
import type { Db } from './pg-reads.js';

/** Everything `stats` reports, in one query. */
export async function stats(db: Db, ns: string): Promise<StorageStats> {
  const { rows } = await db.query<{
    episodes: number;
    completed: number;
    steps: number;
    patterns: number;
    heuristics: number;
    reward: number | null;
    by_outcome: Array<[OutcomeStatus, number]>;
    by_type: Array<[PatternType, number]>;
    by_domain: Array<[string, number]>;
  }>(
    `SELECT
       (SELECT count(*) FROM episodes WHERE namespace = $1) AS episodes,
       (SELECT count(*) FROM episodes WHERE namespace = $1 AND ended_at IS NOT NULL) AS completed,
       (SELECT coalesce(sum(step_count), 0) FROM episodes WHERE namespace = $1) AS steps,
       (SELECT count(*) FROM patterns WHERE namespace = $1) AS patterns,
       (SELECT count(*) FROM heuristics WHERE namespace = $1) AS heuristics,
       (SELECT avg(reward_total) FROM episodes WHERE namespace = $1 AND reward_total IS NOT NULL) AS reward,
       (SELECT coalesce(json_agg(json_build_array(s, n)), '[]') FROM (SELECT outcome_status AS s, count(*) AS n
          FROM episodes WHERE namespace = $1 AND outcome_status IS NOT NULL GROUP BY 1) x) AS by_outcome,
       (SELECT coalesce(json_agg(json_build_array(t, n)), '[]') FROM (SELECT type AS t, count(*) AS n
          FROM patterns WHERE namespace = $1 GROUP BY 1) x) AS by_type,
       (SELECT coalesce(json_agg(json_build_array(d, n) ORDER BY n DESC, d COLLATE "C"), '[]') FROM
          (SELECT domain AS d, count(*) AS n FROM episodes WHERE namespace = $1 GROUP BY 1) x) AS by_domain`,
    [ns],
  );
  const row = rows[0]!;
  const byOutcome = Object.fromEntries(OUTCOME_STATUSES.map((s) => [s, 0])) as Record<OutcomeStatus, number>;
  for (const [s, n] of row.by_outcome) byOutcome[s] = n;
  const patternsByType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, 0])) as Record<PatternType, number>;
  for (const [t, n] of row.by_type) patternsByType[t] = n;
  const byDomain: Record<string, number> = {};
  for (const [d, n] of row.by_domain) byDomain[d] = n;
  return {
    episodes: row.episodes,
    completedEpisodes: row.completed,
    steps: row.steps,
    patterns: row.patterns,
    patternsByType,
    heuristics: row.heuristics,
    byOutcome,
    byDomain,
    averageReward: row.reward === null ? null : Math.round(row.reward * 10_000) / 10_000,
  };
}
