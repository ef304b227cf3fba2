import type { Progress, ProgressBucket } from '../../core/index.js';
import { type ProgressRow, toProgress } from '../progress-rows.js';
import type { ProgressFilter } from '../storage.js';
import type { Sql } from './driver.js';

/**
 * A bucket's first day from a UTC day number (`day`, days since 1970-01-01). Weeks start on Monday: the epoch
 * fell on a Thursday, 3 days after one.
 */
const BUCKET_START: Record<ProgressBucket, string> = {
  day: "date(day * 86400, 'unixepoch')",
  week: "date((day - (day + 3) % 7) * 86400, 'unixepoch')",
  month: "strftime('%Y-%m-01', day * 86400, 'unixepoch')",
};

/**
 * Completed episodes by domain and bucket, in one query: first summed per UTC day (an integer key, cheap to
 * group), then per bucket, so the date functions run once per day and domain rather than once per episode.
 */
export function progress(sql: Sql, ns: string, filter: ProgressFilter): Progress {
  const where = ['namespace = ?', 'ended_at IS NOT NULL'];
  const params: unknown[] = [ns];
  if (filter.domain !== undefined) {
    where.push('domain = ?');
    params.push(filter.domain);
  }
  if (filter.since !== undefined) {
    where.push('ended_at >= ?');
    params.push(Date.parse(filter.since));
  }
  if (filter.until !== undefined) {
    where.push('ended_at <= ?');
    params.push(Date.parse(filter.until));
  }
  const rows = sql(
    `SELECT domain, ${BUCKET_START[filter.bucket]} AS start, sum(n) AS completed, sum(s) AS successes,
       sum(p) AS partials, sum(f) AS failures, sum(a) AS abstained, sum(rs) AS reward_sum, sum(rn) AS rewarded
     FROM (SELECT domain, ended_at / 86400000 AS day, count(*) AS n,
             sum(outcome_status = 'success') AS s, sum(outcome_status = 'partial') AS p,
             sum(outcome_status = 'failure') AS f, sum(outcome_status = 'abstained') AS a,
             sum(reward_total) AS rs, count(reward_total) AS rn
           FROM episodes WHERE ${where.join(' AND ')} GROUP BY domain, day)
     GROUP BY domain, start ORDER BY domain, start`,
  ).all(...params) as ProgressRow[];
  return toProgress(filter.bucket, rows);
}
