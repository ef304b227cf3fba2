import type { Outcome, Reflection, Reward, Step } from '../core/index.js';
import { cut, type EndedEpisode, groupRepeats, isSuccessStep, stableStringify } from './episode-utils.js';
import { stepErrorClass } from './error-class.js';
import { findRecoveries, RECOVERY_WINDOW, recoveryAt } from './patterns/error-recovery.js';
import { DEFAULT_REWARD_WEIGHTS, type RewardWeights } from './reward.js';

const MAX_LINES = 5;
const MAX_SEQUENCE = 8;
const SLOW_FACTOR = 3;
const SLOW_MIN_MS = 1000;

/**
 * What went well, what to do better and what the episode says, as at most five short sentences each,
 * deduplicated and always in the same order for the same episode.
 *
 * @example
 * reflectOnEpisode(episode, reward).improvements; // ['npm failed 2 times; check its inputs before retrying']
 */
export function reflectOnEpisode(
  episode: EndedEpisode,
  reward: Reward,
  weights: RewardWeights = DEFAULT_REWARD_WEIGHTS,
): Reflection {
  return {
    successes: firstDistinct(successesOf(episode)),
    improvements: firstDistinct(improvementsOf(episode, weights)),
    insights: firstDistinct(insightsOf(episode, reward, weights)),
  };
}

function firstDistinct(lines: readonly string[]): string[] {
  return [...new Set(lines)].slice(0, MAX_LINES);
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}

const times = (n: number): string => (n === 1 ? 'once' : `${n} times`);

/** What worked. A failed episode's steps are never offered as a recipe: only the recoveries that held. */
function successesOf({ steps, outcome }: EndedEpisode): string[] {
  const lines: string[] = [];
  if (outcome.status === 'success' || outcome.status === 'partial') {
    const tools = groupRepeats(steps.filter(isSuccessStep)).map((g) => g[0]?.tool ?? '');
    const more = tools.length > MAX_SEQUENCE ? ' → …' : '';
    if (tools.length > 0)
      lines.push(`Effective sequence: ${tools.slice(0, MAX_SEQUENCE).join(' → ')}${more}`);
  }
  for (const { failed, errorClass, recovery } of findRecoveries(steps, outcome)) {
    const tools = [...new Set(recovery.map((s) => s.tool))].join(' → ');
    lines.push(`Recovered from ${failed.tool} ${errorClass} by ${tools}`);
  }
  if (outcome.status !== 'failure' && steps.length > 0 && steps.every(isSuccessStep))
    lines.push(`All ${steps.length} steps succeeded`);
  return lines;
}

/**
 * What not to do: for each error the episode did not get past (`recoveryAt`), the steps taken after it that
 * did not fix it. They count when the failed tool failed again after them, or, when it never ran again, when
 * the episode failed. A plain retry with nothing in between is left to the "failed n times" line.
 */
function unfixedErrors({ steps, outcome }: EndedEpisode): string[] {
  const lines: string[] = [];
  steps.forEach((step, i) => {
    if (isSuccessStep(step) || recoveryAt(steps, i, outcome)) return;
    const next = steps.findIndex((s, k) => k > i && s.tool === step.tool);
    const retried = next < 0 ? undefined : steps[next];
    if (retried ? isSuccessStep(retried) : outcome.status !== 'failure') return;
    const tried = [
      ...new Set(steps.slice(i + 1, retried ? next : i + 1 + RECOVERY_WINDOW).map((s) => s.tool)),
    ];
    if (tried.length === 0) return;
    lines.push(`${step.tool} failed with ${stepErrorClass(step)}; ${tried.join(' → ')} did not fix it`);
  });
  return lines;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Same tool, action and params; the params (the costly part) are compared only when the rest agree. */
function sameCall(a: Step, b: Step): boolean {
  return (
    a.tool === b.tool && a.action === b.action && stableStringify(a.params) === stableStringify(b.params)
  );
}

function improvementsOf(episode: EndedEpisode, weights: RewardWeights): string[] {
  const { steps, outcome, context } = episode;
  const lines: string[] = [];
  if (outcome.status === 'failure') {
    lines.push(
      outcome.reason.trim() ? `Failed: ${cut(outcome.reason, 120)}` : 'Failed without a stated reason',
    );
  }
  lines.push(...unfixedErrors(episode));
  for (const [tool, n] of countBy(
    steps.filter((s) => !isSuccessStep(s)),
    (s) => s.tool,
  )) {
    if (n >= 2) lines.push(`${tool} failed ${n} times; check its inputs before retrying`);
  }
  for (const [tool, n] of countBy(
    steps.filter((s) => s.result.status === 'timeout'),
    (s) => s.tool,
  )) {
    lines.push(`${tool} timed out ${times(n)}; raise its timeout or split the work`);
  }
  const typical = median(steps.map((s) => s.latencyMs));
  for (const s of steps) {
    if (s.latencyMs >= SLOW_MIN_MS && s.latencyMs >= SLOW_FACTOR * typical) {
      lines.push(
        `Step ${s.seq} (${s.tool}) took ${Math.round(s.latencyMs)} ms, over 3× the median of ${Math.round(typical)} ms`,
      );
    }
  }
  // Redundant: the same call right after it already succeeded. Re-running a call after other steps (tests
  // after an edit) or after it failed (a retry) is not.
  const repeats = countBy(
    steps.filter((s, i) => i > 0 && isSuccessStep(steps[i - 1]!) && sameCall(steps[i - 1]!, s)),
    (s) => s.tool,
  );
  for (const [tool, n] of repeats) {
    lines.push(`${tool} repeated a call that had just succeeded ${times(n)}; reuse the first result`);
  }
  const budget = weights.budgets[context.complexity]?.steps ?? Number.POSITIVE_INFINITY;
  if (steps.length > budget) {
    lines.push(`Took ${steps.length} steps against a budget of ${budget} for a ${context.complexity} task`);
  }
  return lines;
}

function outcomeInsight(outcome: Outcome, reward: Reward, stepCount: number): string {
  switch (outcome.status) {
    case 'success':
      return `Succeeded with reward ${reward.total.toFixed(2)}`;
    case 'partial':
      return outcome.failed.length > 0
        ? `Partial: unfinished ${outcome.failed
            .slice(0, 3)
            .map((f) => cut(f, 40))
            .join(', ')}`
        : `Partial: ${outcome.completed.length} items done, reward ${reward.total.toFixed(2)}`;
    case 'failure':
      return `Failed after ${stepCount} steps`;
    case 'abstained':
      if (outcome.infeasibilitySignals.length > 0) {
        return `Abstained on signals: ${outcome.infeasibilitySignals
          .slice(0, 3)
          .map((f) => cut(f, 40))
          .join(', ')}`;
      }
      return outcome.reason.trim() ? `Abstained: ${cut(outcome.reason, 100)}` : 'Abstained without signals';
  }
}

function insightsOf(episode: EndedEpisode, reward: Reward, weights: RewardWeights): string[] {
  const { steps, outcome, context } = episode;
  const n = steps.length;
  const lines = [outcomeInsight(outcome, reward, n)];
  if (outcome.status === 'failure' && n > 0) {
    // The path to avoid, in the words of the recipe a success would have given.
    const tools = groupRepeats(steps).map((g) => g[0]?.tool ?? '');
    const more = tools.length > MAX_SEQUENCE ? ' → …' : '';
    lines.push(`Sequence that led to the failure: ${tools.slice(0, MAX_SEQUENCE).join(' → ')}${more}`);
    if (steps.every(isSuccessStep)) lines.push(`All ${n} steps ran without error, yet the task failed`);
  }
  if (n > 0) {
    const errors = steps.filter((s) => !isSuccessStep(s)).length;
    lines.push(`Error rate ${Math.round((errors / n) * 100)}% (${errors} of ${n} steps)`);
  }
  let dominant: [string, number] | undefined;
  for (const entry of countBy(steps, (s) => s.tool))
    if (!dominant || entry[1] > dominant[1]) dominant = entry;
  if (dominant && dominant[1] >= 2)
    lines.push(`${dominant[0]} was the main tool (${dominant[1]} of ${n} steps)`);
  const withTokens = steps.filter((s) => s.tokens !== undefined);
  if (withTokens.length > 0) {
    const tokens = withTokens.reduce((sum, s) => sum + (s.tokens ?? 0), 0);
    lines.push(`Used ${tokens} tokens over ${withTokens.length} steps`);
  }
  const budget = weights.budgets[context.complexity]?.steps;
  if (budget !== undefined && n > 2 * budget) {
    lines.push(`A ${context.complexity} task took ${n} steps; it may be more complex than labelled`);
  } else if (
    budget !== undefined &&
    context.complexity !== 'simple' &&
    outcome.status === 'success' &&
    n > 0
  ) {
    if (n <= budget / 4)
      lines.push(`A ${context.complexity} task took only ${n} steps; it may be simpler than labelled`);
  }
  return lines;
}
