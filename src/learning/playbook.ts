import type { Heuristic, Pattern, TaskContext } from '../core/index.js';
import {
  type Consensus,
  type ConsensusSettings,
  type Neighbour,
  reconcile,
  type ToolSupport,
} from './consensus.js';
import { clamp01, compareText, round } from './episode-utils.js';
import { pitfallsOf, whenToApply } from './playbook-notes.js';
import type { ToolModel } from './tool-model.js';

export interface PlaybookStep {
  order: number;
  tool: string;
  action: string;
  why: string;
  /** How strongly the evidence supports this step, in [0, 1]. */
  support: number;
  /** How many calls of the tool similar successful runs made here (one per item, say); 1 usually. */
  times: number;
}

export interface Playbook {
  task: string;
  steps: PlaybookStep[];
  pitfalls: string[];
  whenToApply: string[];
  /** Estimated chance that the plan's distinctive steps are the right ones, in [0, 1]. */
  confidence: number;
  supportingEpisodeIds: string[];
  patternIds: string[];
  heuristicIds: string[];
  /** Similar episodes weighed: those that succeeded and those that failed. */
  evidence: { successes: number; failures: number };
  /**
   * True when the evidence does not single out the task's distinctive steps: no plan of them had enough of the
   * votes (or there was nothing to vote on). The steps, if any, are then routine ones only; follow them as
   * general practice, not as this task's plan.
   */
  abstained: boolean;
}

export interface PlaybookInput {
  task: string;
  context: TaskContext;
  /** Ranked best first; `score` in [0, 1]; steps loaded. */
  episodes: Neighbour[];
  patterns: Pattern[];
  heuristics: Heuristic[];
  /** What the task's words predict across the memory (empty: nothing learned yet). */
  model?: ToolModel;
  maxSteps: number;
  settings?: Partial<PlaybookSettings>;
}

/** The learned parts a playbook uses and how much evidence it asks for. */
export interface PlaybookSettings extends ConsensusSettings {
  /** Similar episodes the playbook is built from (10). */
  neighbours: number;
  /**
   * Successful episodes the playbook looks for among more candidates when the first `neighbours` hold fewer
   * (0: the first `neighbours`, whatever their outcomes). Failed runs outnumber successes in many memories.
   */
  minSuccesses: number;
}

export const DEFAULT_PLAYBOOK_SETTINGS: Readonly<PlaybookSettings> = Object.freeze({
  consensus: true,
  toolModel: true,
  failures: true,
  scaleToEvidence: false,
  minShare: 0.15,
  neighbours: 10,
  minSuccesses: 0,
});

const MAX_SUPPORT = 10;
const MAX_PATTERNS = 3;

/**
 * A step-by-step plan for a new task from the evidence about it: the similar successful episodes' steps
 * reconciled into one sequence (see `reconcile`), weighted by similarity, reward and feedback and blended
 * with what the task's words predict across the memory; similar failed runs become pitfalls, never steps.
 * With thin evidence it says less. `confidence` estimates the chance that the plan's distinctive tools are
 * the right ones: the weighted share of similar successes that used exactly them, shrunk towards 0 when
 * there are few, and calibrated on the noisy-run benchmark (eval/README.md).
 *
 * @example
 * const playbook = buildPlaybook({ task, context, episodes, patterns, heuristics, model, maxSteps: 8 });
 * playbook.steps.map((s) => s.tool); // ['read_file', 'edit', 'run_tests']
 */
export function buildPlaybook(input: PlaybookInput): Playbook {
  const settings = { ...DEFAULT_PLAYBOOK_SETTINGS, ...input.settings };
  const found = reconcile(input.task, input.episodes, input.model ?? [], settings);
  const cap = Math.max(0, Math.floor(Number.isFinite(input.maxSteps) ? input.maxSteps : 0));
  const patternIds = new Set<string>();
  const steps = found.steps.slice(0, cap).map((s, i) => ({
    order: i + 1,
    tool: s.tool,
    action: s.action,
    why: explainStep(s.support, s.times) + decisionAdvice(s.tool, input.patterns, patternIds),
    support: round(s.support.support, 3),
    times: s.times,
  }));
  for (const id of matchingPatterns(
    input.patterns,
    steps.map((s) => s.tool),
    found.supportingIds,
  ))
    patternIds.add(id);
  const heuristicIds = new Set<string>();
  const avoided = found.avoided.map(
    (a) =>
      `In similar runs that failed, agents ran ${a.tool} (${Math.round(a.failed * 100)}% of the failed runs' weight, ${Math.round(a.neighbours * 100)}% of the successful ones): avoid it unless the task needs it`,
  );
  const pitfalls = [
    ...avoided,
    ...pitfallsOf(input, new Set(steps.map((s) => s.tool)), patternIds, heuristicIds),
  ].slice(0, 5);
  const supporting = steps.length > 0 ? found.supportingIds.slice(0, MAX_SUPPORT) : [];
  return {
    task: input.task,
    steps,
    pitfalls,
    whenToApply: whenToApply(input, supporting),
    confidence: steps.length === 0 ? 0 : round(calibrate(found), 3),
    supportingEpisodeIds: supporting,
    patternIds: [...patternIds],
    heuristicIds: [...heuristicIds],
    evidence: { successes: found.successes, failures: found.failures },
    abstained: !found.decided,
  };
}

/** The winning plan's share of the weighted votes of the evidence, doubt included (see `voteKeyTools`). */
function calibrate(found: Consensus): number {
  return clamp01(found.agreement);
}

function explainStep(s: ToolSupport, times: number): string {
  const parts: string[] = [];
  if (s.count > 0) {
    parts.push(
      `used by ${s.count} similar successful run${s.count === 1 ? '' : 's'} (${Math.round(s.neighbours * 100)}% of their weight)`,
    );
  }
  if (s.predicted !== undefined && s.predicted >= 0.3) {
    parts.push(`the task's words predict it (${Math.round(s.predicted * 100)}% of such successes use it)`);
  }
  if (times > 1) parts.push(`similar runs called it ${times} times here, once per item`);
  if (s.failed > 0) parts.push(`also in ${Math.round(s.failed * 100)}% of similar failed runs`);
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Tool-sequence patterns the plan applies: their tools appear in the plan in order and a supporting episode
 * taught them. These are what feedback on the playbook credits or blames.
 */
function matchingPatterns(
  patterns: readonly Pattern[],
  tools: readonly string[],
  supporting: readonly string[],
): string[] {
  const backed = new Set(supporting);
  const inOrder = (seq: readonly string[]) => {
    let i = 0;
    for (const tool of tools) if (tool === seq[i]) i++;
    return i === seq.length;
  };
  return patterns
    .flatMap((p) => (p.data.type === 'tool_sequence' ? [{ p, seq: p.data.steps.map((s) => s.tool) }] : []))
    .filter(({ p, seq }) => seq.length >= 1 && inOrder(seq) && p.evidence.some((id) => backed.has(id)))
    .sort(
      (a, b) =>
        b.seq.length - a.seq.length || b.p.occurrences - a.p.occurrences || compareText(a.p.id, b.p.id),
    )
    .slice(0, MAX_PATTERNS)
    .map(({ p }) => p.id);
}

function bestDecision(
  patterns: readonly Pattern[],
  tool: string,
  branch: 'passed' | 'failed',
): Pattern | undefined {
  return patterns
    .filter((p) => p.data.type === 'decision_point' && p.data.check.tool === tool && p.data.branch === branch)
    .sort(
      (a, b) => b.occurrences - a.occurrences || b.successRate - a.successRate || compareText(a.id, b.id),
    )[0];
}

/** Advice for a check step, from the most common decision points on its tool; records the patterns used. */
function decisionAdvice(tool: string, patterns: readonly Pattern[], used: Set<string>): string {
  let advice = '';
  for (const [branch, words] of [
    ['passed', 'If it passes, continue with'],
    ['failed', 'If it fails, past runs went on with'],
  ] as const) {
    const p = bestDecision(patterns, tool, branch);
    if (p?.data.type !== 'decision_point' || used.has(p.id)) continue;
    used.add(p.id);
    advice += `. ${words} ${p.data.next.map((t) => t.tool).join(' → ')}`;
  }
  return advice;
}
