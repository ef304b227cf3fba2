/**
 * The dev/test split of every set, fixed once. Constants are chosen on `dev` only; `test` is what the tables
 * report, and no test task ever shapes a dev figure (not as a query, not in a dev memory, not as a source of
 * invented arguments). Tasks (or templates) are ordered by a seeded hash of a stable key and the first `share`
 * of them (rounded) go to dev; the sets are fixed files, so the sizes are exact:
 *
 * - webarena-intents: templates (`intentTemplateId`), half in dev.
 * - tau-retail: test = the official test split against a memory of every train task; dev = the official dev
 *   split plus a fifth of the train tasks, held out of a dev memory of the other train tasks.
 * - noisy tau2 (retail, banking): test = the test tasks against the runs of every train task; dev = a quarter of
 *   the train tasks against the runs of the other train tasks (generated from those tasks alone).
 */
import { fnv1a } from './noisy/tau2-tasks.js';

export const SPLITS = ['dev', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** The seed of every dev/test split (the issue that asked for them). Changing it changes what test means. */
export const SPLIT_SEED = 19;
/** Share of webarena templates in dev. */
export const WEBARENA_DEV_SHARE = 0.5;
/** Share of tau-retail train tasks held out as dev queries. */
export const TAU_HOLDOUT_SHARE = 0.2;
/** Share of the noisy sets' train tasks held out as dev queries. */
export const NOISY_DEV_SHARE = 0.25;

/**
 * The items whose seeded hash of `key(item)` ranks in the first `share` of them (rounded; ties by key): a
 * deterministic sample of an exact size.
 *
 * @example
 * seededSample(templateIds, (id) => `webarena:template:${id}`, 0.5); // the same half on every machine
 */
export function seededSample<T>(
  items: readonly T[],
  key: (item: T) => string,
  share: number,
  seed = SPLIT_SEED,
): Set<T> {
  const ranked = items
    .map((item) => ({ item, key: key(item), hash: fnv1a(`${seed}:${key(item)}`) }))
    .sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Set(ranked.slice(0, Math.round(share * items.length)).map((r) => r.item));
}

/** The dev templates of webarena: every intent of a template is on the same side. */
export function webarenaDevTemplates(templateIds: Iterable<number>): Set<number> {
  return seededSample([...new Set(templateIds)], (id) => `webarena:template:${id}`, WEBARENA_DEV_SHARE);
}

/** The places (in the train split) of the tau-retail train tasks held out as dev queries. */
export function tauHeldOut(trainCount: number): Set<number> {
  const places = Array.from({ length: trainCount }, (_, i) => i);
  return seededSample(places, (i) => `tau-retail:train:${i}`, TAU_HOLDOUT_SHARE);
}

/** The ids of a noisy set's train tasks that are dev queries (the others' runs are the dev memory). */
export function noisyDevTasks(domain: string, trainIds: readonly string[]): Set<string> {
  return seededSample(trainIds, (id) => `tau2-${domain}:${id}`, NOISY_DEV_SHARE);
}
