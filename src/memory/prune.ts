import { type Episode, MemoryError, type OutcomeStatus } from '../core/index.js';
import type { StorageBackend } from '../storage/index.js';

export interface PruneOptions {
  /**
   * Delete completed episodes that ended longer ago than this: milliseconds, or a duration such as `90d`,
   * `12h`, `30m`, `2w`.
   */
  olderThan?: number | string;
  /**
   * Keep at most this many episodes in all: completed episodes are evicted least useful first (see
   * `evictionOrder`) until the count fits. Episodes in progress count but are never evicted.
   */
  maxEpisodes?: number;
  /** Never delete an episode whose outcome is `success`, by age or by capacity. */
  keepSuccessful?: boolean;
  /** Report what would be deleted and delete nothing. */
  dryRun?: boolean;
}

export interface PrunedEpisode {
  id: string;
  task: string;
  endedAt: string;
  outcome: OutcomeStatus;
  reward: number | null;
  reason: 'age' | 'capacity';
}

export interface PruneReport {
  dryRun: boolean;
  /** ISO time before which completed episodes were old enough, when `olderThan` was given. */
  cutoff: string | null;
  /** Deleted episodes (or, in a dry run, those that would be), oldest-reason first. */
  deleted: PrunedEpisode[];
  /** Episodes left in the store afterwards (or that would be). */
  remaining: number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `90d` → milliseconds; a number is taken as milliseconds. INVALID_INPUT for anything else. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(value);
    if (match) return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  throw new MemoryError(
    'INVALID_INPUT',
    `olderThan must be a duration such as 90d, 12h, 30m or 2w (or milliseconds), got "${value}"`,
    { details: { field: 'olderThan' } },
  );
}

/**
 * Capacity eviction order, least useful first: lowest reward, then oldest end, then id. slmem does not record
 * which episodes retrieval returned, so "never retrieved" cannot be told apart and is not part of the order.
 */
export function evictionOrder(a: Episode, b: Episode): number {
  const reward = (a.reward?.total ?? 0) - (b.reward?.total ?? 0);
  if (reward !== 0) return reward;
  const ended = Date.parse(a.endedAt ?? a.startedAt) - Date.parse(b.endedAt ?? b.startedAt);
  if (ended !== 0) return ended;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Deletes completed episodes by age and then by capacity (never one in progress). What they taught stays:
 * patterns and heuristics keep their counts and confidence, and their evidence lists may go on naming deleted
 * episodes; feedback and the tool model's counts stay as well.
 */
export async function pruneEpisodes(
  storage: StorageBackend,
  options: PruneOptions,
  now: number,
): Promise<PruneReport> {
  const maxEpisodes = options.maxEpisodes;
  if (maxEpisodes !== undefined && (!Number.isInteger(maxEpisodes) || maxEpisodes < 0)) {
    throw new MemoryError('INVALID_INPUT', `maxEpisodes must be a whole number ≥ 0, got ${maxEpisodes}`, {
      details: { field: 'maxEpisodes' },
    });
  }
  const cutoffMs = options.olderThan === undefined ? null : now - parseDuration(options.olderThan);
  const candidates = (await completedEpisodes(storage)).filter(
    (e) => !(options.keepSuccessful && e.outcome?.status === 'success'),
  );
  const total = (await storage.stats()).episodes;

  const byAge =
    cutoffMs === null ? [] : candidates.filter((e) => Date.parse(e.endedAt ?? e.startedAt) < cutoffMs);
  const aged = new Set(byAge.map((e) => e.id));
  const over = maxEpisodes === undefined ? 0 : Math.max(0, total - byAge.length - maxEpisodes);
  const byCapacity = candidates
    .filter((e) => !aged.has(e.id))
    .sort(evictionOrder)
    .slice(0, over);

  const deleted = [
    ...byAge.map((e) => describe(e, 'age')),
    ...byCapacity.map((e) => describe(e, 'capacity')),
  ];
  if (!options.dryRun && deleted.length > 0) {
    const gone = new Set(await storage.deleteCompletedEpisodes(deleted.map((d) => d.id)));
    // An episode deleted by someone else meanwhile is not reported as ours.
    deleted.splice(0, deleted.length, ...deleted.filter((d) => gone.has(d.id)));
  }
  return {
    dryRun: options.dryRun === true,
    cutoff: cutoffMs === null ? null : new Date(cutoffMs).toISOString(),
    deleted,
    remaining: total - deleted.length,
  };
}

async function completedEpisodes(storage: StorageBackend, pageSize = 1_000): Promise<Episode[]> {
  const all: Episode[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await storage.listEpisodes({ completed: true, order: 'oldest', limit: pageSize, offset });
    all.push(...page);
    if (page.length < pageSize) return all;
  }
}

function describe(episode: Episode, reason: PrunedEpisode['reason']): PrunedEpisode {
  return {
    id: episode.id,
    task: episode.task,
    endedAt: episode.endedAt ?? episode.startedAt,
    outcome: episode.outcome?.status ?? 'failure',
    reward: episode.reward?.total ?? null,
    reason,
  };
}
