import { createRng, type Rng } from '../../bench/rng.js';
import { type ArgumentPool, argumentPool, perturbParams, toolsOfKind } from './perturb.js';
import { addLookups, addThink, applicable, fail, pickWeighted, positions, withErrors } from './run-edits.js';
import { fnv1a, type GoldStep, type NoisyTask } from './tau2-tasks.js';
import type { Domain } from './tool-kinds.js';

/** One call of a generated run: a gold step, possibly changed, or an invented one; `error` when it failed. */
export interface RunStep extends GoldStep {
  error?: string;
}

export const FAILURE_KINDS = ['handoff', 'wrong-write', 'missing-write', 'extra-write', 'gave-up'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A generated agent run of a task: its calls and how it ended. */
export interface NoisyRun {
  task: NoisyTask;
  /** Which of the task's runs (0-based). */
  index: number;
  kind: 'success' | FailureKind;
  success: boolean;
  /** Why it failed ('' for a success), e.g. "transferred to a human". */
  reason: string;
  /** A success whose writes have the gold tools and the gold arguments. */
  exactWrites: boolean;
  steps: RunStep[];
}

/** The shape of the runs; the defaults aim at the figures measured on public logs (eval/README.md). */
export interface RunShape {
  runsPerTask: number;
  failureRate: number;
  /** Chance that a call fails first (then retried, or followed by another tool). */
  errorRate: number;
  /** Chance that a successful run passes different arguments to one of its writes. */
  otherArguments: number;
  extraLookups: number;
  think: number;
  failureWeights: Readonly<Record<FailureKind, number>>;
}

export const DEFAULT_SHAPE: RunShape = {
  runsPerTask: 3,
  failureRate: 0.5,
  errorRate: 0.065,
  otherArguments: 0.55,
  extraLookups: 0.4,
  think: 0.55,
  failureWeights: {
    handoff: 0.42,
    'wrong-write': 0.2,
    'missing-write': 0.14,
    'extra-write': 0.1,
    'gave-up': 0.14,
  },
};

/** What invented calls are drawn from: the tools and real arguments of the tasks runs are made for. */
export interface DomainPools {
  domain: Domain;
  pool: ArgumentPool;
  writes: string[];
  lookups: string[];
}

/**
 * `runsPerTask` runs of each task, seeded: the same seed and tasks give the same runs on every machine, and
 * each task's runs depend only on the seed and the task (not on the other tasks). Invented calls (wrong or
 * extra writes, extra look-ups, hand-offs) take their arguments from the given tasks' gold calls only.
 *
 * @example
 * const runs = generateRuns(train, 7); // 3 runs per task, about half of them failures
 */
export function generateRuns(tasks: readonly NoisyTask[], seed: number, shape = DEFAULT_SHAPE): NoisyRun[] {
  const byDomain = new Map([...new Set(tasks.map((t) => t.domain))].map((d) => [d, domainPools(tasks, d)]));
  return tasks.flatMap((task) =>
    Array.from({ length: shape.runsPerTask }, (_, index) => {
      const rng = createRng(fnv1a(`${seed}:${task.domain}:${task.id}:${index}`));
      return generateRun(task, index, rng, byDomain.get(task.domain)!, shape);
    }),
  );
}

/** The pools of one domain, from the given tasks' gold calls. */
export function domainPools(tasks: readonly NoisyTask[], domain: Domain): DomainPools {
  const own = tasks.filter((t) => t.domain === domain);
  return {
    domain,
    pool: argumentPool(own),
    writes: toolsOfKind(own, 'write'),
    lookups: toolsOfKind(own, 'lookup'),
  };
}

/** One run: success or a failure of a kind that makes sense for the task, then extras and errors. */
export function generateRun(task: NoisyTask, index: number, rng: Rng, pools: DomainPools, shape: RunShape) {
  const gold: RunStep[] = task.steps.map((s) => ({ ...s, params: structuredClone(s.params) }));
  const run: NoisyRun = {
    task,
    index,
    kind: 'success',
    success: true,
    reason: '',
    exactWrites: true,
    steps: gold,
  };
  const writes = positions(gold, 'write');
  if (rng.next() < shape.failureRate) {
    const kinds = FAILURE_KINDS.filter((k) => applicable(k, gold, pools));
    if (kinds.length > 0)
      Object.assign(run, fail(pickWeighted(kinds, shape.failureWeights, rng), gold, pools, rng));
  } else if (writes.length > 0 && rng.next() < shape.otherArguments) {
    const at = rng.pick(writes);
    const step = gold[at]!;
    const params = perturbParams(step.params, step.tool, pools.pool, rng);
    gold[at] = { ...step, params };
    run.exactWrites = JSON.stringify(params) === JSON.stringify(step.params);
  }
  if (rng.next() < shape.extraLookups) addLookups(run.steps, pools, rng);
  if (rng.next() < shape.think) addThink(run.steps, pools, rng);
  run.steps = withErrors(run.steps, pools, rng, shape.errorRate);
  if (!run.success) run.exactWrites = false;
  return run;
}
