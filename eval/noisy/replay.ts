/**
 * The closed loop (`npm run eval -- --only replay`): an agent meets every task of a dataset, in several seeded
 * shuffled passes, asks the memory for a playbook, follows it when it is confident enough (else acts on its
 * own), records what it ran, and (in one arm) reports feedback on the patterns it applied. Success curves of
 * each arm against the tasks seen go to eval/results.json (`replay`); scripts/plot-learning-curve.ts draws them.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRng } from '../../bench/rng.js';
import { log } from '../harness.js';
import type { EvalOptions } from '../run.js';
import { DOMAINS, loadDomain } from './benchmark.js';
import { DEFAULT_SHAPE, domainPools, generateRun } from './generate.js';
import {
  type Curves,
  followedSuccess,
  formatReplay,
  SequenceCounter,
  successCurves,
} from './replay-agent.js';
import { ARMS, type Arm, type ArmName, openArm, stepArm } from './replay-arm.js';
import { updateResults } from './report.js';
import { kindIn } from './score.js';
import { fnv1a, goldWrites, type NoisyTask } from './tau2-tasks.js';

/**
 * The agent follows a playbook only when its confidence is at least the agent's own chance of success without
 * it (the generator's runs succeed half the time): a calibrated confidence is what makes that choice possible.
 */
export const MIN_CONFIDENCE = 0.5;
export const WINDOW = 25;
const RESULTS = new URL('../results.json', import.meta.url);

/** Every task once per pass, each pass in its own seeded order. */
export function taskStream(tasks: readonly NoisyTask[], passes: number, seed: number) {
  return Array.from({ length: passes }, (_, pass) => {
    const rng = createRng(fnv1a(`${seed}:stream:${pass}`));
    return tasks
      .map((task) => ({ task, pass, key: rng.next() }))
      .sort((a, b) => a.key - b.key)
      .map(({ task }) => ({ task, pass }));
  }).flat();
}

/** The curves and totals of one arm. */
export interface ArmReport extends Curves {
  success: number;
  /** Share of tasks where the agent followed the playbook (memory arms). */
  followed: number;
  /** Followed playbooks that advised a hand-off tool. */
  handoffs: number;
  /** Feedback reports sent. */
  feedbacks: number;
}

export async function runReplay(datasets: URL, dir: string, options: EvalOptions): Promise<void> {
  const report: Record<string, unknown> = {};
  for (const domain of DOMAINS) {
    const started = performance.now();
    const tasks = await loadDomain(datasets, domain);
    const stream = taskStream(tasks, options.quick ? 1 : options.passes, options.seed);
    const pools = domainPools(tasks, domain);
    const kindOf = kindIn(domain);
    const arms: Arm[] = [
      await openArm('memory+feedback', join(dir, `replay-${domain}-feedback.db`), true),
      await openArm('memory', join(dir, `replay-${domain}-plain.db`), false),
    ];
    const outcomes = Object.fromEntries(ARMS.map((a) => [a, [] as boolean[]])) as Record<ArmName, boolean[]>;
    const followed = Object.fromEntries(ARMS.map((a) => [a, 0])) as Record<ArmName, number>;
    const handoffs = { ...followed };
    const feedbacks = { ...followed };
    const counter = new SequenceCounter();
    try {
      for (const { task, pass } of stream) {
        // Acting without memory: the agent's own run of the task, the same for every arm.
        const rng = createRng(fnv1a(`${options.seed}:replay:${task.id}:${pass}`));
        const own = generateRun(task, pass, rng, pools, DEFAULT_SHAPE);
        for (const arm of arms) {
          const result = await stepArm(arm, task, own, pools, kindOf, MIN_CONFIDENCE);
          outcomes[arm.name].push(result.success);
          followed[arm.name] += result.followed ? 1 : 0;
          handoffs[arm.name] += result.handoff ? 1 : 0;
          feedbacks[arm.name] += result.feedback ? 1 : 0;
        }
        outcomes['no memory'].push(own.success);
        const frequent = counter.mostFrequent.map((tool) => ({ tool, kind: kindOf(tool) }));
        outcomes['most-frequent'].push(followedSuccess(frequent, goldWrites(task)));
        if (own.success) counter.add(own.steps.filter((s) => s.error === undefined).map((s) => s.tool));
      }
    } finally {
      for (const arm of arms) await arm.memory.close();
    }
    const armReports = Object.fromEntries(
      ARMS.map((name): [ArmName, ArmReport] => {
        const curves = successCurves(outcomes[name], WINDOW);
        const success = curves.cumulative[curves.cumulative.length - 1] ?? 0;
        const share = followed[name] / Math.max(1, stream.length);
        return [
          name,
          { success, followed: share, handoffs: handoffs[name], feedbacks: feedbacks[name], ...curves },
        ];
      }),
    ) as Record<ArmName, ArmReport>;
    report[domain] = {
      tasks: tasks.length,
      passes: options.quick ? 1 : options.passes,
      stream: stream.length,
      arms: armReports,
    };
    log(`replay ${domain}: ${stream.length} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(`${formatReplay(domain, stream.length, armReports)}\n`);
  }
  const results = { seed: options.seed, minConfidence: MIN_CONFIDENCE, window: WINDOW, datasets: report };
  if (options.quick) {
    log('a quick run: eval/results.json is not written');
    return;
  }
  await updateResults(RESULTS, { replay: results });
  log('wrote the replay key of eval/results.json');
}
