import type { z } from 'zod';
import {
  type Episode,
  type Heuristic,
  type Link,
  type Outcome,
  type Pattern,
  patternDescription,
  type Step,
} from '../core/index.js';
import type { Handoff, Playbook } from '../learning/index.js';
import type { TuningRecord } from '../memory/index.js';
import type { RetrievalResult } from '../retrieval/index.js';
import type {
  EpisodeSummaryView,
  EpisodeView,
  FoundEpisodeView,
  FoundHeuristicView,
  FoundPatternView,
  HandoffView,
  HeuristicView,
  LinkView,
  PatternView,
  PlaybookView,
  RetrievalView,
  StepView,
  TuningView,
} from './schemas.js';

/** The facade's values as the faces show them (MCP and HTTP): snake_case, flat, `null` for what is not there yet. */

export function episodeSummaryView(episode: Episode): z.infer<typeof EpisodeSummaryView> {
  return {
    episode_id: episode.id,
    task: episode.task,
    task_type: episode.taskType,
    domain: episode.context.domain,
    tags: episode.tags,
    started_at: episode.startedAt,
    ended_at: episode.endedAt ?? null,
    outcome: episode.outcome?.status ?? null,
    reward: episode.reward?.total ?? null,
  };
}

export function episodeView(episode: Episode): z.infer<typeof EpisodeView> {
  return {
    ...episodeSummaryView(episode),
    language: episode.context.language ?? null,
    framework: episode.context.framework ?? null,
    complexity: episode.context.complexity,
    outcome_text: episode.outcome ? outcomeText(episode.outcome) : null,
    reflection: episode.reflection ?? null,
    reward_components: episode.reward
      ? {
          base: episode.reward.base,
          efficiency: episode.reward.efficiency,
          error_rate: episode.reward.errorRate,
          recovery: episode.reward.recovery,
          complexity_multiplier: episode.reward.complexityMultiplier,
        }
      : null,
    summary: episode.summary?.text ?? null,
    steps: episode.steps.map(stepView),
    pattern_ids: episode.patternIds,
    heuristic_ids: episode.heuristicIds,
  };
}

export function stepView(step: Step): z.infer<typeof StepView> {
  return {
    seq: step.seq,
    at: step.at,
    tool: step.tool,
    action: step.action,
    status: step.result.status,
    ...(step.result.status === 'success' && step.result.output !== undefined
      ? { output: step.result.output }
      : {}),
    ...(step.result.status === 'error' ? { error: step.result.message } : {}),
    latency_ms: step.latencyMs,
  };
}

export function patternView(pattern: Pattern): z.infer<typeof PatternView> {
  return {
    pattern_id: pattern.id,
    type: pattern.type,
    description: patternDescription(pattern),
    domain: pattern.context.domain,
    task_type: pattern.context.taskType,
    success_rate: pattern.successRate,
    occurrences: pattern.occurrences,
    effectiveness: pattern.effectiveness,
    avg_latency_ms: pattern.avgLatencyMs,
    evidence_episode_ids: pattern.evidence,
    feedback_applied: pattern.feedbackApplied,
    feedback_helped: pattern.feedbackHelped,
    first_seen: pattern.firstSeen,
    last_seen: pattern.lastSeen,
    data: pattern.data,
  };
}

export function heuristicView(heuristic: Heuristic): z.infer<typeof HeuristicView> {
  return {
    heuristic_id: heuristic.id,
    condition: heuristic.conditionText,
    action: heuristic.actionText,
    action_tools: heuristic.actionTools,
    confidence: heuristic.confidence,
    agree: heuristic.agree,
    disagree: heuristic.disagree,
    domain: heuristic.domain,
    evidence_episode_ids: heuristic.evidence,
    updated_at: heuristic.updatedAt,
  };
}

export function foundEpisodesView(result: RetrievalResult): Array<z.infer<typeof FoundEpisodeView>> {
  return result.episodes.map(({ episode, score, why }) => ({
    episode_id: episode.id,
    task: episode.task,
    score,
    why,
    outcome: episode.outcome?.status ?? null,
    reward: episode.reward?.total ?? null,
  }));
}

/** At most `limit` of each list. */
export function retrievalView(found: RetrievalResult, limit: number): z.infer<typeof RetrievalView> {
  return {
    episodes: foundEpisodesView(found).slice(0, limit),
    patterns: found.patterns.slice(0, limit).map(foundPatternView),
    heuristics: foundHeuristicsView(found).slice(0, limit),
  };
}

export function foundPatternView(found: {
  pattern: Pattern;
  score: number;
}): z.infer<typeof FoundPatternView> {
  const { pattern, score } = found;
  return {
    pattern_id: pattern.id,
    type: pattern.type,
    description: patternDescription(pattern),
    success_rate: pattern.successRate,
    occurrences: pattern.occurrences,
    score,
  };
}

export function foundHeuristicsView(result: RetrievalResult): Array<z.infer<typeof FoundHeuristicView>> {
  return result.heuristics.map(({ heuristic, score }) => ({
    heuristic_id: heuristic.id,
    condition: heuristic.conditionText,
    action: heuristic.actionText,
    confidence: heuristic.confidence,
    score,
  }));
}

export function playbookView(playbook: Playbook): z.infer<typeof PlaybookView> {
  return {
    steps: playbook.steps.map(({ tool, action, why, support }) => ({ tool, action, why, support })),
    pitfalls: playbook.pitfalls,
    when_to_apply: playbook.whenToApply,
    confidence: playbook.confidence,
    supporting_episode_ids: playbook.supportingEpisodeIds,
    pattern_ids: playbook.patternIds,
    evidence: playbook.evidence,
    abstained: playbook.abstained,
  };
}

export function outcomeText(outcome: Outcome): string {
  return outcome.status === 'success' || outcome.status === 'partial' ? outcome.verdict : outcome.reason;
}

export function handoffView(handoff: Handoff): z.infer<typeof HandoffView> {
  const checkpoint = handoff.lastCheckpoint;
  return {
    episode_id: handoff.episodeId,
    task: handoff.task,
    domain: handoff.context.domain,
    status: handoff.status,
    steps_done: handoff.stepsDone,
    what_worked: handoff.whatWorked,
    what_failed: handoff.whatFailed,
    next_steps: handoff.nextSteps.map(({ tool, action, why }) => ({ tool, action, why })),
    notes: handoff.notes,
    last_checkpoint: checkpoint
      ? { note: checkpoint.note, progress: checkpoint.progress ?? null, at: checkpoint.at }
      : null,
  };
}

export function linkView(link: Link): z.infer<typeof LinkView> {
  return {
    from_episode_id: link.from,
    to_episode_id: link.to,
    type: link.type,
    note: link.note ?? null,
    created_at: link.createdAt,
  };
}

/** The tuning as the faces show it. */
export function tuningView(tuning: TuningRecord | null): z.infer<typeof TuningView> {
  if (!tuning) return null;
  const r = tuning.retrieval;
  const p = tuning.playbook;
  return {
    at: tuning.at,
    episodes: tuning.episodes,
    queries: tuning.queries,
    note: tuning.note,
    text_index: r?.textIndex ?? null,
    list_weights: r ? `${r.listWeights} ${r.lexicalWeight}:${r.vectorWeight}` : null,
    playbook: p
      ? `minShare ${p.minShare}, minSuccesses ${p.minSuccesses}${p.scaleToEvidence ? ', scaled to the evidence' : ''}`
      : null,
    calibrated_on: tuning.calibration?.points ?? 0,
  };
}
