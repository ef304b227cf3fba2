import type { Progress } from '../../core/index.js';
import { type ProgressRow, toProgress } from '../progress-rows.js';
import type { ProgressFilter } from '../storage.js';
import type { Db } from './pg-reads.js';
import { Params } from './pg-reads.js';

/**
 * Completed episodes by domain and bucket, in one query: summed per UTC day first (an integer key: times are
 * bigint ms), then `date_trunc` of each day to its bucket (ISO weeks start on Monday). Domains sort as bytes
 * (`COLLATE "C"`), as SQLite sorts them.
 */
export async function progress(db: Db, ns: string, filter: ProgressFilter): Promise<Progress> {
  const p = new Params();
  const where = [`namespace = ${p.add(ns)}`, 'ended_at IS NOT NULL'];
  if (filter.domain !== undefined) where.push(`domain = ${p.add(filter.domain)}`);
  if (filter.since !== undefined) where.push(`ended_at >= ${p.add(Date.parse(filter.since))}`);
  if (filter.until !== undefined) where.push(`ended_at <= ${p.add(Date.parse(filter.until))}`);
  const { rows } = await db.query<ProgressRow>(
    `SELECT domain, to_char(date_trunc(${p.add(filter.bucket)}, (date '1970-01-01' + day)::timestamp), 'YYYY-MM-DD') AS start,
       sum(n)::integer AS completed, sum(s)::integer AS successes, sum(pa)::integer AS partials,
       sum(f)::integer AS failures, sum(a)::integer AS abstained, sum(rs) AS reward_sum,
       sum(rn)::integer AS rewarded
     FROM (SELECT domain, (ended_at / 86400000)::integer AS day, count(*) AS n,
             count(*) FILTER (WHERE outcome_status = 'success') AS s,
             count(*) FILTER (WHERE outcome_status = 'partial') AS pa,
             count(*) FILTER (WHERE outcome_status = 'failure') AS f,
             count(*) FILTER (WHERE outcome_status = 'abstained') AS a,
             sum(reward_total) AS rs, count(reward_total) AS rn
           FROM episodes WHERE ${where.join(' AND ')} GROUP BY 1, 2) AS d
     GROUP BY 1, 2 ORDER BY domain COLLATE "C", start`,
    p.values,
  );
  return toProgress(filter.bucket, rows);
}
