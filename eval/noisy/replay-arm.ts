/** One memory arm of the replay: a memory of its own, and one step of the loop for a task. */
import { createRng } from '../../bench/rng.js';
import { fixedClock, SelfLearningMemory } from '../../src/index.js';
import { MAX_STEPS } from './benchmark.js';
import type { DomainPools, NoisyRun, RunStep } from './generate.js';
import { describeCall } from './perturb.js';
import { RUN_GAP_MS } from './records.js';
import { followedSuccess, followPlaybook } from './replay-agent.js';
import { fnv1a, goldWrites, type NoisyTask } from './tau2-tasks.js';
import type { ToolKind } from './tool-kinds.js';

export const ARMS = ['memory+feedback', 'memory', 'no memory', 'most-frequent'] as const;
export type ArmName = (typeof ARMS)[number];

export interface Arm {
  name: ArmName;
  memory: SelfLearningMemory;
  clock: ReturnType<typeof fixedClock>;
  /** Reports feedback on the applied patterns after each followed playbook. */
  feedback: boolean;
}

/** The replay's clock starts where the benchmark's runs start and moves on by hand. */
const REPLAY_START = Date.UTC(2026, 0, 1);

/** A memory on a new store file: hash embeddings, no result cache, a clock the loop advances. */
export async function openArm(name: ArmName, db: string, feedback: boolean): Promise<Arm> {
  const clock = fixedClock(REPLAY_START);
  const memory = await SelfLearningMemory.open({
    db,
    embeddings: { provider: 'hash' },
    queryCache: false,
    clock,
    log: () => {},
  });
  return { name, memory, clock, feedback };
}

/** What happened on one task in one arm. */
export interface ArmStep {
  success: boolean;
  followed: boolean;
  /** The followed playbook advised a hand-off tool. */
  handoff: boolean;
  /** Feedback was reported (the playbook was followed, had pattern ids, and the arm gives feedback). */
  feedback: boolean;
}

/**
 * One task in one arm: ask for a playbook; follow it when it has steps and enough confidence, else act as the
 * agent would on its own (`own`, the same run in every arm); record the episode that ran, step by step; report
 * feedback on the playbook's patterns when it was followed and the arm gives feedback.
 */
export async function stepArm(
  arm: Arm,
  task: NoisyTask,
  own: NoisyRun,
  pools: DomainPools,
  kindOf: (tool: string) => ToolKind,
  minConfidence: number,
): Promise<ArmStep> {
  const { memory, clock } = arm;
  clock.advance(RUN_GAP_MS);
  const context = { domain: task.domain };
  const playbook = await memory.playbook({ task: task.query, context, maxSteps: MAX_STEPS });
  const followed = playbook.steps.length > 0 && playbook.confidence >= minConfidence;
  const rng = createRng(fnv1a(`${arm.name}:${task.id}:${clock.now()}`));
  const tools = playbook.steps.flatMap((s) => Array(s.times).fill(s.tool) as string[]);
  const steps = followed ? followPlaybook(tools, task, kindOf, pools.pool, rng) : own.steps;
  const success = followed ? followedSuccess(steps, goldWrites(task)) : own.success;
  const episode = await memory.startEpisode({ task: task.query, context });
  for (const step of steps) await logStep(arm, episode.id, step);
  const reason = followed
    ? `followed the playbook: wrote ${writesOf(steps)}; the task needed ${goldWrites(task).join(', ') || 'no write'}`
    : own.reason;
  await memory.completeEpisode(
    episode.id,
    success ? { status: 'success', verdict: 'resolved' } : { status: 'failure', reason },
  );
  // Embedding runs in the background; waiting for it keeps the next retrieval deterministic.
  await memory.flush();
  const feedback = followed && arm.feedback && playbook.patternIds.length > 0;
  if (feedback)
    await memory.recordFeedback({ episodeId: episode.id, patternIds: playbook.patternIds, success });
  return { success, followed, handoff: followed && steps.some((s) => s.kind === 'handoff'), feedback };
}

async function logStep(arm: Arm, episodeId: string, step: RunStep): Promise<void> {
  const latencyMs = step.kind === 'write' ? 900 : 300;
  arm.clock.advance(latencyMs + 4_000);
  await arm.memory.logStep(episodeId, {
    tool: step.tool,
    action: describeCall(step.tool, step.params),
    params: step.params,
    result: step.error === undefined ? { status: 'success' } : { status: 'error', message: step.error },
    latencyMs,
  });
}

function writesOf(steps: readonly RunStep[]): string {
  return (
    steps
      .filter((s) => s.kind === 'write')
      .map((s) => s.tool)
      .join(', ') || 'nothing'
  );
}
