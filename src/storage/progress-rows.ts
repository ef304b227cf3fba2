import type { Progress, ProgressBucket, ProgressPoint } from '../core/index.js';

/**
 * One row of a backend's progress query: a domain's completed episodes in one bucket. Counts may come back as
 * strings (PostgreSQL's bigint), so each is read through `Number`.
 */
export interface ProgressRow {
  domain: string;
  start: string;
  completed: number | string;
  successes: number | string;
  partials: number | string;
  failures: number | string;
  abstained: number | string;
  reward_sum: number | string | null;
  rewarded: number | string;
}

/** The rows of either backend as `progress` returns them (mean reward to 4 decimals, as `stats` rounds). */
export function toProgress(bucket: ProgressBucket, rows: readonly ProgressRow[]): Progress {
  const series = rows.map((r): ProgressPoint => {
    const rewarded = Number(r.rewarded);
    return {
      domain: r.domain,
      start: r.start,
      completed: Number(r.completed),
      successes: Number(r.successes),
      partials: Number(r.partials),
      failures: Number(r.failures),
      abstained: Number(r.abstained),
      meanReward: rewarded === 0 ? null : Math.round((Number(r.reward_sum) / rewarded) * 10_000) / 10_000,
    };
  });
  return { bucket, series };
}
