import type { Pattern } from '../core/index.js';

/**
 * Effectiveness from feedback: Laplace-smoothed share of applications that helped, so one report moves it
 * but never to 0 or 1.
 *
 * @example
 * feedbackEffectiveness(0, 0); // 0.5
 * feedbackEffectiveness(3, 3); // 0.8
 */
export function feedbackEffectiveness(applied: number, helped: number): number {
  return (helped + 1) / (applied + 2);
}

/** The pattern after one report that an agent applied it and whether the task then succeeded. */
export function applyFeedback(pattern: Pattern, success: boolean): Pattern {
  const feedbackApplied = pattern.feedbackApplied + 1;
  const feedbackHelped = pattern.feedbackHelped + (success ? 1 : 0);
  return {
    ...pattern,
    feedbackApplied,
    feedbackHelped,
    effectiveness: feedbackEffectiveness(feedbackApplied, feedbackHelped),
  };
}
