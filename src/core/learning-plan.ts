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
  /** What the episode adds to the counts of which task features go with which tools. */
  toolEvidence: ToolEvidence;
}

/**
 * One finished episode's contribution to the tool model: every (feature, tool) pair gets one more success or
 * one more failure in `domain`. Counts only add, so a store writes them with an upsert, in any order.
 */
export interface ToolEvidence {
  domain: string;
  features: string[];
  tools: string[];
  success: boolean;
}

/** A stored count: episodes of `domain` with `feature` that used `tool`, by outcome. */
export interface ToolCount {
  feature: string;
  tool: string;
  successes: number;
  failures: number;
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
