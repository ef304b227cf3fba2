import type { CompletedEpisode, Episode, Outcome } from './episode.js';
import type { Heuristic, Pattern } from './pattern.js';

/** What the stored learning looks like after a completion, read back inside the same transaction. */
export interface ExistingLearning {
  patterns: Pattern[];
  heuristics: Heuristic[];
}

export interface LearningResult {
  episode: CompletedEpisode;
  /** Patterns and heuristics after merging: the rows to write. */
  patterns: Pattern[];
  heuristics: Heuristic[];
}

/**
 * How an episode is learned from, handed to the store so that reading existing patterns, merging and
 * writing happen in one transaction. Both functions are synchronous and pure.
 */
export interface LearningPlan {
  patternKeys: string[];
  heuristicTriggers: string[];
  finish(existing: ExistingLearning): LearningResult;
}

/** Builds the plan for an episode that has its outcome and `endedAt` set. */
export type Learn = (episode: Episode & { outcome: Outcome; endedAt: string }) => LearningPlan;
