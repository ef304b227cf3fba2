import { createRng } from '../../bench/rng.js';
import { deterministicUuid } from '../../src/datasets/index.js';
import type { Complexity, EpisodeRecord } from '../../src/index.js';
import type { NoisyRun, RunStep } from './generate.js';
import { describeCall } from './perturb.js';

/** The first run starts here; the next ones follow `RUN_GAP_MS` apart, in the seeded shuffled order. */
export const FIRST_RUN_AT = Date.UTC(2026, 0, 1);
export const RUN_GAP_MS = 15 * 60_000;

/** A generated run with the record it is imported as. */
export interface RecordedRun {
  run: NoisyRun;
  record: EpisodeRecord & { id: string; startedAt: string };
}

/**
 * The runs as import records, shuffled with the seed and given increasing start times (so they can be
 * imported in time order, as an agent would have recorded them). Task = the task's query; context = the
 * domain and a complexity from the gold length; outcome success, or failure with the run's reason.
 *
 * @example
 * const recorded = toRecords(generateRuns(train, 7), 7);
 * await memory.importEpisodes(recorded.map((r) => r.record));
 */
export function toRecords(runs: readonly NoisyRun[], seed: number): RecordedRun[] {
  const rng = createRng(seed ^ 0x5eed);
  const order = runs.map((run) => ({ run, key: rng.next() })).sort((a, b) => a.key - b.key);
  return order.map(({ run }, i) => ({ run, record: runRecord(run, FIRST_RUN_AT + i * RUN_GAP_MS, seed) }));
}

/** One run as an `EpisodeRecord` starting at `startMs`; its id is derived from the task, the run and the seed. */
export function runRecord(run: NoisyRun, startMs: number, seed: number): RecordedRun['record'] {
  const { task } = run;
  let at = startMs;
  const steps = run.steps.map((step, i) => {
    const latencyMs = latencyOf(step, i);
    const record = {
      tool: step.tool,
      action: describeCall(step.tool, step.params),
      params: step.params,
      ...(step.error === undefined ? {} : { error: step.error }),
      latencyMs,
      at: new Date(at).toISOString(),
      ...(step.requestor === 'user' ? { metadata: { requestor: 'user' } } : {}),
    };
    at += latencyMs + 4_000;
    return record;
  });
  return {
    id: deterministicUuid(`noisy:${task.domain}:${task.id}:${run.index}:${seed}`),
    task: task.query,
    context: { domain: task.domain, complexity: complexityOf(task.steps.length) },
    tags: ['tau2', `tau2-${task.domain}`],
    metadata: { taskId: task.id, split: task.split, run: run.kind },
    steps,
    outcome: run.success
      ? { status: 'success', verdict: 'resolved', artifacts: [] }
      : { status: 'failure', reason: run.reason },
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(at).toISOString(),
  };
}

/** Writes take longer than look-ups; a deterministic spread by position. */
function latencyOf(step: RunStep, i: number): number {
  const base = step.kind === 'write' ? 900 : step.kind === 'think' ? 400 : 250;
  return base + ((i * 137 + step.tool.length * 31) % 600);
}

function complexityOf(goldSteps: number): Complexity {
  if (goldSteps <= 4) return 'simple';
  return goldSteps <= 10 ? 'moderate' : 'complex';
}
