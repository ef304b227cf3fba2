import type { Episode, Heuristic, Pattern, TaskContext, ToolStep } from '../core/index.js';
import {
  clamp01,
  compareText,
  cut,
  groupRepeats,
  isSuccessStep,
  matchSubsequence,
  round,
  trimAction,
} from './episode-utils.js';
import { pitfallsOf, whenToApply } from './playbook-notes.js';

export interface PlaybookStep {
  order: number;
  tool: string;
  action: string;
  why: string;
}

export interface Playbook {
  task: string;
  steps: PlaybookStep[];
  pitfalls: string[];
  whenToApply: string[];
  confidence: number;
  supportingEpisodeIds: string[];
  patternIds: string[];
  heuristicIds: string[];
}

export interface PlaybookInput {
  task: string;
  context: TaskContext;
  /** Ranked best first; `score` in [0, 1]; steps loaded. */
  episodes: Array<{ episode: Episode; score: number }>;
  patterns: Pattern[];
  heuristics: Heuristic[];
  maxSteps: number;
}

const MAX_SUPPORT = 10;
const CONSENSUS_TOP = 5;

interface Backbone {
  steps: Array<ToolStep & { why: string }>;
  supportingEpisodeIds: string[];
  /** Success rate of the backbone pattern, or the reward of the episode it came from. */
  rate: number;
  evidence: number;
  patternId?: string;
}

/**
 * A step-by-step plan for a new task from what worked before: the backbone is the best tool sequence
 * pattern backed by the given episodes (or the steps of the best successful episode), with advice from
 * decision points, pitfalls from error recoveries, rules and past failures, and a confidence in [0, 1]: the
 * mean of the top match's score, the backbone's success rate and its evidence (saturating at 5 episodes),
 * times the share of the top 5 matches whose steps follow the backbone.
 *
 * @example
 * const playbook = buildPlaybook({ task, context, episodes, patterns, heuristics, maxSteps: 8 });
 * playbook.steps.map((s) => s.tool); // ['read_file', 'edit', 'run_tests']
 */
export function buildPlaybook(input: PlaybookInput): Playbook {
  const backbone = chooseBackbone(input);
  const patternIds = new Set<string>(backbone?.patternId ? [backbone.patternId] : []);
  const cap = Math.max(0, Math.floor(Number.isFinite(input.maxSteps) ? input.maxSteps : 0));
  const steps = (backbone?.steps ?? []).slice(0, cap).map((s, i) => ({
    order: i + 1,
    tool: s.tool,
    action: s.action,
    why: s.why + decisionAdvice(s.tool, input.patterns, patternIds),
  }));
  const heuristicIds = new Set<string>();
  const pitfalls = pitfallsOf(input, new Set(steps.map((s) => s.tool)), patternIds, heuristicIds);
  const supporting = steps.length > 0 ? (backbone?.supportingEpisodeIds ?? []) : [];
  const topScore = clamp01(input.episodes[0]?.score ?? 0);
  const confidence =
    steps.length === 0 || !backbone
      ? 0
      : round(
          ((topScore + clamp01(backbone.rate) + Math.min(1, backbone.evidence / 5)) / 3) *
            consensus(
              steps.map((s) => s.tool),
              input.episodes,
            ),
          3,
        );
  return {
    task: input.task,
    steps,
    pitfalls,
    whenToApply: whenToApply(input, supporting),
    confidence,
    supportingEpisodeIds: supporting,
    patternIds: [...patternIds],
    heuristicIds: [...heuristicIds],
  };
}

/**
 * Share of the top matches whose successful steps contain the playbook's tools in order. A playbook only the
 * best match agrees with, while the next four did something else, deserves little confidence.
 */
function consensus(tools: readonly string[], episodes: PlaybookInput['episodes']): number {
  const top = episodes.slice(0, CONSENSUS_TOP);
  if (top.length === 0 || tools.length === 0) return 0;
  const agreeing = top.filter(
    ({ episode }) => matchSubsequence(episode.steps.filter(isSuccessStep), tools, 0) >= 0,
  );
  return agreeing.length / top.length;
}

function chooseBackbone(input: PlaybookInput): Backbone | undefined {
  const scores = new Map<string, number>();
  for (const { episode, score } of input.episodes)
    if (!scores.has(episode.id)) scores.set(episode.id, clamp01(score));
  const ranked = input.patterns
    .flatMap((p) => (p.data.type === 'tool_sequence' ? [{ p, steps: p.data.steps }] : []))
    .map(({ p, steps }) => {
      const backed = p.evidence.filter((id) => scores.has(id));
      const quality = (0.5 + 0.5 * p.successRate) * Math.log2(1 + p.occurrences) * (0.5 + p.effectiveness);
      const support = backed.reduce((sum, id) => sum + (scores.get(id) ?? 0), 0);
      return { p, steps, backed, quality, score: support * quality };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.quality - a.quality ||
        b.steps.length - a.steps.length ||
        compareText(a.p.id, b.p.id),
    );
  const best = ranked[0];
  // A pattern none of the matched episodes shows loses to a matched episode, but beats nothing at all.
  const fromEpisode = best && best.score > 0 ? undefined : episodeBackbone(input.episodes);
  if (fromEpisode || !best) return fromEpisode;
  const backed = new Set(best.backed);
  const k = backed.size;
  const n = best.p.occurrences;
  const why = `Used in ${n} past episode${n === 1 ? '' : 's'}, ${Math.round(best.p.successRate * 100)}% succeeded; seen in ${k} of the top matches`;
  return {
    steps: best.steps.map((s) => ({ ...s, why })),
    supportingEpisodeIds: [
      ...new Set(input.episodes.map((e) => e.episode.id).filter((id) => backed.has(id))),
    ].slice(0, MAX_SUPPORT),
    rate: best.p.successRate,
    evidence: best.p.evidence.length,
    patternId: best.p.id,
  };
}

function episodeBackbone(episodes: PlaybookInput['episodes']): Backbone | undefined {
  const usable = (status: string) =>
    episodes.find(({ episode }) => episode.outcome?.status === status && episode.steps.some(isSuccessStep));
  const chosen = (usable('success') ?? usable('partial'))?.episode;
  if (!chosen) return undefined;
  const why = `As in episode ${chosen.id.slice(0, 8)}: ${cut(chosen.task, 60)}`;
  const steps = groupRepeats(chosen.steps.filter(isSuccessStep)).flatMap((group) =>
    group[0] ? [{ tool: group[0].tool, action: trimAction(group[0].action), why }] : [],
  );
  return { steps, supportingEpisodeIds: [chosen.id], rate: chosen.reward?.total ?? 0, evidence: 1 };
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
