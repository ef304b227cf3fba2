/**
 * The targets of issue 11, the figures the growth table and the chart are judged by: p95 in ms at 10k and at
 * 100k episodes, bulk import in episodes/s, and growth from 10k to 100k.
 */

/** The timed operations of one growth step, in the order of the table. */
export type GrowthOp = 'lexical' | 'hybrid' | 'playbook' | 'start' | 'logStep' | 'complete';

export interface OpTarget {
  key: GrowthOp;
  label: string;
  /** p95 target in ms at 10k episodes (also applied to smaller stores). */
  at10k: number;
  /** p95 target in ms at 100k episodes (also applied to larger stores). */
  at100k: number;
}

export const OP_TARGETS: readonly OpTarget[] = [
  { key: 'lexical', label: 'retrieve, lexical', at10k: 2, at100k: 10 },
  { key: 'hybrid', label: 'retrieve, hybrid (hash)', at10k: 4, at100k: 15 },
  { key: 'playbook', label: 'playbook', at10k: 6, at100k: 20 },
  { key: 'start', label: 'start episode', at10k: 0.3, at100k: 0.3 },
  { key: 'logStep', label: 'log step', at10k: 0.2, at100k: 0.2 },
  { key: 'complete', label: 'complete, 20 steps', at10k: 5, at100k: 5 },
];

/** Bulk import without embedding, episodes per second, at every size. */
export const IMPORT_TARGET = 5000;

/** p95 at 100k over p95 at 10k, at most this, for every operation. */
export const GROWTH_TARGET = 4;

/** The p95 target of an operation at a store size: the 10k column up to 10k, the 100k one above. */
export function targetAt(target: OpTarget, episodes: number): number {
  return episodes <= 10_000 ? target.at10k : target.at100k;
}
