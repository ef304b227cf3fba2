import type { Complexity, Outcome, Reward } from '../core/index.js';
import { clamp01, durationMs, type EndedEpisode, isSuccessStep, round } from './episode-utils.js';
import { recoveryAt } from './patterns/error-recovery.js';

/** How many steps and how much wall time a task of some complexity should take. */
export interface StepBudget {
  steps: number;
  ms: number;
}

export interface RewardWeights {
  /** Share of the reward that depends on efficiency (0: none, 1: all of it). */
  efficiencyWeight: number;
  /** Most of the reward unrecovered errors can take away. */
  errorPenalty: number;
  /** Base reward of an abstained episode: declining an infeasible task is worth something. */
  abstainedBase: number;
  budgets: Record<Complexity, StepBudget>;
  complexityMultipliers: Record<Complexity, number>;
}

export const DEFAULT_REWARD_WEIGHTS: Readonly<RewardWeights> = Object.freeze({
  efficiencyWeight: 0.3,
  errorPenalty: 0.5,
  abstainedBase: 0.2,
  budgets: Object.freeze({
    simple: Object.freeze({ steps: 5, ms: 60_000 }),
    moderate: Object.freeze({ steps: 10, ms: 300_000 }),
    complex: Object.freeze({ steps: 20, ms: 900_000 }),
  }),
  complexityMultipliers: Object.freeze({ simple: 1.0, moderate: 1.05, complex: 1.1 }),
});

/**
 * Scores a finished episode in [0, 1]. Every component is rounded to 4 decimals.
 *
 * - base: success 1; partial 0.25 + 0.5 × completed / (completed + failed) (0.5 when both lists are empty);
 *   failure 0; abstained 0.2 (`weights.abstainedBase`).
 * - efficiency in [0, 1]: the geometric mean of stepEfficiency = min(1, budgetSteps / steps) (1 when there
 *   are no steps) and timeEfficiency = min(1, budgetMs / durationMs) (1 when the duration is ≤ 0). Budgets
 *   depend on `context.complexity`: simple 5 steps / 60 s, moderate 10 steps / 300 s, complex 20 steps /
 *   900 s (`weights.budgets`).
 * - errorRate = (error + timeout steps) / steps (0 when there are no steps).
 * - recovery = recovered errors / errors (0 when there are no errors), an error being recovered as
 *   `recoveryAt` decides: the same tool succeeded later without failing the same way again (another tool's
 *   success counts only when the tool never ran again and the outcome is success or partial), and not in a
 *   failed episode whose last attempt of the tool failed or whose reason names the tool or the error.
 * - complexityMultiplier: simple 1.0, moderate 1.05, complex 1.1.
 * - total = clamp01(base × (1 − efficiencyWeight + efficiencyWeight × efficiency)
 *   × (1 − errorPenalty × errorRate × (1 − recovery)) × complexityMultiplier),
 *   with efficiencyWeight 0.3 and errorPenalty 0.5.
 *
 * @example
 * // A simple task that succeeded in 10 error-free steps (budget 5) within a minute:
 * scoreEpisode(episode); // { total: 0.9121, base: 1, efficiency: 0.7071, errorRate: 0, recovery: 0, complexityMultiplier: 1 }
 */
export function scoreEpisode(episode: EndedEpisode, weights: RewardWeights = DEFAULT_REWARD_WEIGHTS): Reward {
  const { complexity } = episode.context;
  const base = clamp01(baseReward(episode.outcome, weights));
  const efficiency = clamp01(efficiencyOf(episode, weights.budgets[complexity]));
  const errors = episode.steps.filter((s) => !isSuccessStep(s)).length;
  const errorRate = episode.steps.length === 0 ? 0 : clamp01(errors / episode.steps.length);
  const recovery = clamp01(recoveryRate(episode));
  const multiplier = finiteOr(weights.complexityMultipliers[complexity], 1);
  const efficiencyWeight = clamp01(finiteOr(weights.efficiencyWeight, 0));
  const errorPenalty = clamp01(finiteOr(weights.errorPenalty, 0));
  const total =
    base *
    (1 - efficiencyWeight + efficiencyWeight * efficiency) *
    (1 - errorPenalty * errorRate * (1 - recovery)) *
    Math.max(0, multiplier);
  return {
    total: round(clamp01(total)),
    base: round(base),
    efficiency: round(efficiency),
    errorRate: round(errorRate),
    recovery: round(recovery),
    complexityMultiplier: round(Math.max(0, multiplier)),
  };
}

function baseReward(outcome: Outcome, weights: RewardWeights): number {
  switch (outcome.status) {
    case 'success':
      return 1;
    case 'partial': {
      const done = outcome.completed.length;
      const all = done + outcome.failed.length;
      return 0.25 + 0.5 * (all === 0 ? 0.5 : done / all);
    }
    case 'failure':
      return 0;
    case 'abstained':
      return finiteOr(weights.abstainedBase, 0);
  }
}

function efficiencyOf(episode: EndedEpisode, budget: StepBudget | undefined): number {
  const steps = episode.steps.length;
  const ms = durationMs(episode);
  const budgetSteps = Math.max(0, finiteOr(budget?.steps, 0));
  const budgetMs = Math.max(0, finiteOr(budget?.ms, 0));
  const stepEfficiency = steps === 0 ? 1 : Math.min(1, budgetSteps / steps);
  const timeEfficiency = !Number.isFinite(ms) || ms <= 0 ? 1 : Math.min(1, budgetMs / ms);
  return Math.sqrt(stepEfficiency * timeEfficiency);
}

function recoveryRate(episode: EndedEpisode): number {
  let errors = 0;
  let recovered = 0;
  episode.steps.forEach((step, i) => {
    if (isSuccessStep(step)) return;
    errors++;
    if (recoveryAt(episode.steps, i, episode.outcome)) recovered++;
  });
  return errors === 0 ? 0 : recovered / errors;
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
