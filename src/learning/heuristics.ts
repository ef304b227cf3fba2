import {
  contentId,
  type Heuristic,
  type HeuristicCondition,
  MemoryError,
  type Outcome,
  type Pattern,
  type Step,
} from '../core/index.js';
import {
  compareIso,
  compareText,
  type EndedEpisode,
  isSuccessStep,
  matchSubsequence,
  mergeEvidence,
  minText,
} from './episode-utils.js';
import { stepErrorClass } from './error-class.js';
import { branchOf, isDecisionStep } from './patterns/decision-point.js';
import { recoveryAt } from './patterns/error-recovery.js';

/** The lookup key of a condition: `ctx|<domain>|<taskType>|<language or *>`, `err|<tool>|<class>`, `chk|<tool>|<branch>`. */
export function heuristicTrigger(condition: HeuristicCondition): string {
  switch (condition.kind) {
    case 'context':
      return `ctx|${condition.domain}|${condition.taskType}|${condition.language ?? '*'}`;
    case 'tool_error':
      return `err|${condition.tool}|${condition.errorClass}`;
    case 'check_result':
      return `chk|${condition.tool}|${condition.branch}`;
  }
}

function conditionText(condition: HeuristicCondition): string {
  switch (condition.kind) {
    case 'context': {
      const language = condition.language === undefined ? '' : ` with ${condition.language}`;
      return `When doing ${condition.taskType} in ${condition.domain}${language}`;
    }
    case 'tool_error':
      return `When ${condition.tool} fails with ${condition.errorClass}`;
    case 'check_result':
      return `After ${condition.tool} ${condition.branch}`;
  }
}

function actionText(tools: readonly string[]): string {
  return `Run ${tools.join(', then ')}`;
}

function confidenceOf(agree: number, disagree: number): number {
  return (agree + 1) / (agree + disagree + 2);
}

/**
 * A rule proposed by one episode: no votes yet (agree 0, disagree 0, confidence 0.5, the prior), the episode
 * recorded in `evidence` as its origin. The episode that made a rule up cannot also be evidence that it works.
 */
function candidate(condition: HeuristicCondition, actionTools: string[], episode: EndedEpisode): Heuristic {
  const trigger = heuristicTrigger(condition);
  const key = `${trigger}=>${actionTools.join('>')}`;
  return {
    id: contentId('heu', key),
    key,
    trigger,
    condition,
    actionTools,
    conditionText: conditionText(condition),
    actionText: actionText(actionTools),
    agree: 0,
    disagree: 0,
    confidence: confidenceOf(0, 0),
    evidence: [episode.id],
    domain: episode.context.domain,
    createdAt: episode.endedAt,
    updatedAt: episode.endedAt,
  };
}

/**
 * Candidate rules from one episode and its pattern observations, each with no votes (see `voteOnHeuristic`):
 * a `tool_error` rule per error recovery (recoveries are already judged by the outcome, see `recoveryAt`) and,
 * for a successful episode, a `check_result` rule per decision point. An episode proposes only what worked:
 * a failed one teaches what not to do through its reflection and its votes, never a rule to copy it.
 * No `context` rules: with only agree and disagree counts, "in this context run these tools" cannot tell
 * the tools' effect from the context's own success rate (the tool model counts that). One candidate per
 * key, sorted by key.
 *
 * @example
 * deriveHeuristics(episode, extractPatterns(episode))[0]?.conditionText; // 'When npm fails with timeout'
 */
export function deriveHeuristics(episode: EndedEpisode, patterns: readonly Pattern[]): Heuristic[] {
  const out = new Map<string, Heuristic>();
  const add = (h: Heuristic) => {
    if (!out.has(h.key)) out.set(h.key, h);
  };
  const succeeded = episode.outcome.status === 'success';
  for (const { data } of patterns) {
    if (data.type === 'error_recovery') {
      const condition = { kind: 'tool_error' as const, tool: data.failed.tool, errorClass: data.errorClass };
      add(
        candidate(
          condition,
          data.recovery.map((s) => s.tool),
          episode,
        ),
      );
    } else if (data.type === 'decision_point' && succeeded) {
      const condition = { kind: 'check_result' as const, tool: data.check.tool, branch: data.branch };
      add(
        candidate(
          condition,
          data.next.map((s) => s.tool),
          episode,
        ),
      );
    }
  }
  return [...out.values()].sort((a, b) => compareText(a.key, b.key));
}

/** Every trigger an episode matches: each err and chk (context rules are no longer voted on). */
export function heuristicTriggers(episode: EndedEpisode): string[] {
  const triggers = new Set<string>();
  for (const step of episode.steps) {
    if (!isSuccessStep(step)) triggers.add(`err|${step.tool}|${stepErrorClass(step)}`);
    if (isDecisionStep(step)) triggers.add(`chk|${step.tool}|${branchOf(step)}`);
  }
  return [...triggers].sort(compareText);
}

type Verdict = 'agree' | 'disagree' | null;

/** How the episode ended, as a vote: only a success or a failure says whether following a rule worked. */
function outcomeVerdict(outcome: Outcome): Verdict {
  if (outcome.status === 'success') return 'agree';
  return outcome.status === 'failure' ? 'disagree' : null;
}

/** Agree or disagree when the condition held and the action was applied after it; null otherwise. */
function judge(h: Heuristic, episode: EndedEpisode): Verdict {
  const { condition: c, actionTools } = h;
  // Rules of kind context are no longer learned (see deriveHeuristics); old rows keep their counts.
  if (c.kind === 'context') return null;
  const { steps, outcome } = episode;
  const triggered = (step: Step): boolean =>
    step.tool === c.tool &&
    (c.kind === 'tool_error'
      ? !isSuccessStep(step) && stepErrorClass(step) === c.errorClass
      : isDecisionStep(step) && branchOf(step) === c.branch);
  let verdict: Verdict = null;
  for (const [i, step] of steps.entries()) {
    if (!triggered(step)) continue;
    if (c.kind === 'check_result') {
      if (matchSubsequence(steps, actionTools, i + 1) >= 0) return outcomeVerdict(outcome);
      continue;
    }
    // The action counts when it was taken while the error stood: up to the failed tool's next success. It
    // worked when the episode got past the error, as recoveryAt decides.
    const fixed = steps.findIndex((s, k) => k > i && s.tool === c.tool && isSuccessStep(s));
    const window = fixed < 0 ? steps : steps.slice(0, fixed + 1);
    if (matchSubsequence(window, actionTools, i + 1) < 0) continue;
    if (recoveryAt(steps, i, outcome)) return 'agree';
    verdict = 'disagree';
  }
  return verdict;
}

/**
 * One later episode's vote on a rule: null when the condition did not hold or the action tools were not
 * applied (in order, after the triggering step; for `tool_error` rules up to the failed tool's next
 * success). A `check_result` rule agrees when the episode succeeded and disagrees when it failed (partial and
 * abstained episodes do not vote); a `tool_error` rule agrees when the episode got past the error after
 * applying it (`recoveryAt`) and disagrees when it did not. The episode joins the rule's evidence.
 */
export function voteOnHeuristic(h: Heuristic, episode: EndedEpisode): Heuristic | null {
  const verdict = judge(h, episode);
  if (verdict === null) return null;
  const agree = h.agree + (verdict === 'agree' ? 1 : 0);
  const disagree = h.disagree + (verdict === 'disagree' ? 1 : 0);
  return {
    ...h,
    agree,
    disagree,
    confidence: confidenceOf(agree, disagree),
    evidence: mergeEvidence(h.evidence, [episode.id]),
    updatedAt: compareIso(h.updatedAt, episode.endedAt) >= 0 ? h.updatedAt : episode.endedAt,
  };
}

/**
 * Merges two copies of the same rule (same key): votes add, evidence is the union. Commutative and
 * associative. A fresh candidate has no votes, so merging one only records its origin episode.
 */
export function mergeHeuristics(a: Heuristic, b: Heuristic): Heuristic {
  if (a.key !== b.key) {
    throw new MemoryError(
      'INVALID_INPUT',
      `cannot merge heuristics with different keys: ${a.key} and ${b.key}`,
    );
  }
  const agree = a.agree + b.agree;
  const disagree = a.disagree + b.disagree;
  return {
    ...a,
    id: minText(a.id, b.id),
    conditionText: minText(a.conditionText, b.conditionText),
    actionText: minText(a.actionText, b.actionText),
    agree,
    disagree,
    confidence: confidenceOf(agree, disagree),
    evidence: mergeEvidence(a.evidence, b.evidence),
    domain: minText(a.domain, b.domain),
    createdAt: compareIso(a.createdAt, b.createdAt) <= 0 ? a.createdAt : b.createdAt,
    updatedAt: compareIso(a.updatedAt, b.updatedAt) >= 0 ? a.updatedAt : b.updatedAt,
  };
}
