/**
 * The simulated agent of the closed-loop replay: what it runs when it follows a playbook, when a run counts as
 * a success, the "most frequent sequence so far" reference, and the success curves.
 */
import type { Rng } from '../../bench/rng.js';
import type { RunStep } from './generate.js';
import { type ArgumentPool, borrowParams } from './perturb.js';
import type { NoisyTask } from './tau2-tasks.js';
import type { ToolKind } from './tool-kinds.js';

/** 1 when the two lists hold the same items the same number of times, order ignored. */
export function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...a].sort();
  return [...b].sort().every((item, i) => item === left[i]);
}

/**
 * The steps an agent runs when it follows a playbook's tools: each with the arguments of the task's own gold
 * call of that tool when there is one left (the agent reads the ids off the conversation), else real arguments
 * of the tool from another task.
 */
export function followPlaybook(
  tools: readonly string[],
  task: NoisyTask,
  kindOf: (tool: string) => ToolKind,
  pool: ArgumentPool,
  rng: Rng,
): RunStep[] {
  const unused = [...task.steps];
  return tools.map((tool) => {
    const at = unused.findIndex((s) => s.tool === tool);
    const own = at === -1 ? undefined : unused.splice(at, 1)[0];
    return {
      tool,
      kind: kindOf(tool),
      params: own ? structuredClone(own.params) : borrowParams(pool, tool, rng),
      requestor: own?.requestor ?? 'assistant',
    };
  });
}

/** A followed playbook succeeds when its write tools are the task's gold writes as a multiset. */
export function followedSuccess(
  steps: ReadonlyArray<Pick<RunStep, 'tool' | 'kind'>>,
  goldWrites: readonly string[],
): boolean {
  return sameMultiset(
    steps.filter((s) => s.kind === 'write').map((s) => s.tool),
    goldWrites,
  );
}

/** Counts the successful tool sequences seen so far and answers the most frequent one (ties: first seen). */
export class SequenceCounter {
  #counts = new Map<string, { n: number; tools: string[] }>();
  #best: string[] = [];
  #bestN = 0;

  add(tools: readonly string[]): void {
    const key = tools.join(' > ');
    const entry = this.#counts.get(key) ?? { n: 0, tools: [...tools] };
    entry.n++;
    this.#counts.set(key, entry);
    if (entry.n > this.#bestN) {
      this.#bestN = entry.n;
      this.#best = entry.tools;
    }
  }

  /** The most frequent sequence so far; empty before the first success. */
  get mostFrequent(): readonly string[] {
    return this.#best;
  }
}

/** Success rate curves over a stream of outcomes: cumulative, and over the last `window` tasks. */
export interface Curves {
  cumulative: number[];
  rolling: number[];
}

/**
 * @example
 * successCurves([true, false, true], 2); // { cumulative: [1, 0.5, 0.667], rolling: [1, 0.5, 0.5] }
 */
export function successCurves(outcomes: readonly boolean[], window: number): Curves {
  const cumulative: number[] = [];
  const rolling: number[] = [];
  let total = 0;
  outcomes.forEach((ok, i) => {
    total += ok ? 1 : 0;
    cumulative.push(total / (i + 1));
    const from = Math.max(0, i + 1 - window);
    const recent = outcomes.slice(from, i + 1);
    rolling.push(recent.filter(Boolean).length / recent.length);
  });
  return { cumulative, rolling };
}

/** The tasks-seen counts at which the replay prints its curves: 25, 50, 100, 200, … and the last one. */
export function reportPoints(length: number): number[] {
  const points = [25, 50, 100, 200, 300, 400, 600, 800].filter((p) => p < length);
  return [...points, length];
}

/** A table of the arms' rolling and cumulative success at a few points of the stream. */
export function formatReplay(
  domain: string,
  length: number,
  arms: Readonly<Record<string, Curves & { followed: number; handoffs: number; feedbacks: number }>>,
): string {
  const points = reportPoints(length);
  const lines = Object.entries(arms).map(([name, a]) => {
    const cells = points.map((p) => `${a.rolling[p - 1]!.toFixed(2)}/${a.cumulative[p - 1]!.toFixed(2)}`);
    const extra = name.startsWith('memory')
      ? `  followed ${(a.followed * 100).toFixed(0)} %, hand-offs advised ${a.handoffs}, feedback ${a.feedbacks}`
      : '';
    return `  ${name.padEnd(16)}${cells.map((c) => c.padStart(11)).join('')}${extra}`;
  });
  return [
    `\nreplay ${domain}: ${length} tasks; success rate rolling (last 25) / cumulative after n tasks`,
    `  ${'n'.padEnd(16)}${points.map((p) => String(p).padStart(11)).join('')}`,
    ...lines,
  ].join('\n');
}
