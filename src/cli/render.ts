/** Human renderings shared by several commands: patterns, heuristics, steps, playbooks. */
import { type Heuristic, type Pattern, patternDescription, type Step } from '../core/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import { formatPercent, formatScore, oneLine, padEnd, plural, type Terminal, wrap } from './format.js';

export type Playbook = Awaited<ReturnType<SelfLearningMemory['playbook']>>;
export type RetrievalResult = Awaited<ReturnType<SelfLearningMemory['retrieve']>>;
export type MemoryStats = Awaited<ReturnType<SelfLearningMemory['stats']>>;

const TYPE_WIDTH = 'context_pattern'.length;

const STATS_WIDTH = '100% success · 999×'.length;

/** `tool_sequence    description    90% success · 12×` on one line, cut to the width. */
export function patternLine(
  t: Terminal,
  pattern: Pick<Pattern, 'type' | 'description' | 'successRate' | 'occurrences'>,
  indent = '  ',
  score?: number,
): string {
  const lead = `${indent}${score === undefined ? '' : `${formatScore(score).padStart(5)}  `}${padEnd(pattern.type, TYPE_WIDTH)}  `;
  const stats = `${formatPercent(pattern.successRate)} success · ${pattern.occurrences}×`.padStart(
    STATS_WIDTH,
  );
  const room = Math.max(20, t.width - lead.length - stats.length - 2);
  return `${lead}${padEnd(oneLine(shortDescription(pattern.description), room), room)}  ${t.style.dim(stats)}`;
}

/**
 * The description without the "(seen 3×, 100% success)" a pattern stored by an earlier version ends with: the
 * columns beside it say that, with the current counts.
 */
export function shortDescription(description: string): string {
  return patternDescription({ description });
}

export function heuristicLines(t: Terminal, heuristic: Heuristic, indent = '  ', score?: number): string[] {
  const lead = `${indent}${score === undefined ? '' : `${formatScore(score)}  `}`;
  const action = heuristic.actionText.charAt(0).toLowerCase() + heuristic.actionText.slice(1);
  const votes = `confidence ${formatScore(heuristic.confidence)}, ${heuristic.agree}/${heuristic.agree + heuristic.disagree} agree`;
  const lines = wrap(
    `${heuristic.conditionText}: ${action}`,
    t.width - votes.length - 2,
    ' '.repeat(lead.length),
    lead,
  );
  lines[lines.length - 1] += `  ${t.style.dim(votes)}`;
  return lines;
}

export function stepLine(t: Terminal, step: Step): string {
  const status =
    step.result.status === 'success'
      ? t.style.green('✓')
      : step.result.status === 'timeout'
        ? t.style.yellow('⏱')
        : t.style.red('✗');
  return `${String(step.seq).padStart(3)}. ${status} ${t.style.bold(step.tool)} ${step.action}`;
}

/** What a step produced, dimmed, on the lines under it. */
export function stepDetail(t: Terminal, step: Step): string[] {
  const indent = '       ';
  const lines: string[] = [];
  if (Object.keys(step.params).length > 0) {
    lines.push(`${indent}${t.style.dim(oneLine(JSON.stringify(step.params), t.width - indent.length))}`);
  }
  if (step.result.status === 'error') {
    lines.push(...wrap(step.result.message, t.width, indent).map(t.style.red));
  }
  if (step.result.status === 'success' && step.result.output) {
    lines.push(...wrap(oneLine(step.result.output, 300), t.width, indent).map(t.style.dim));
  }
  return lines;
}

export function renderPlaybook(
  t: Terminal,
  playbook: Playbook,
  options: { task?: boolean; indent?: string } = {},
): void {
  const indent = options.indent ?? '';
  const { style } = t;
  if (options.task !== false) {
    for (const line of wrap(playbook.task, t.width, '  ', `${style.bold('Playbook for')} `)) t.line(line);
  }
  t.line(
    `${indent}${style.bold('Confidence')} ${confidenceText(t, playbook.confidence)} ${style.dim(`· from ${plural(playbook.evidence.successes, 'similar success', 'similar successes')} and ${plural(playbook.evidence.failures, 'similar failure')}, ${plural(playbook.patternIds.length, 'pattern')}`)}`,
  );
  for (const when of playbook.whenToApply) {
    for (const line of wrap(when, t.width, '    ', `  ${style.dim('when')} `)) t.line(line);
  }
  t.line();
  if (playbook.steps.length === 0) t.line(style.dim('  No steps: nothing similar in memory yet.'));
  for (const step of playbook.steps) {
    const number = `${String(step.order).padStart(3)}. `;
    const head = `${number}${style.bold(step.tool)}${step.action ? ` ${step.action}` : ''}`;
    t.line(head);
    for (const line of wrap(step.why, t.width, ' '.repeat(number.length))) t.line(style.dim(line));
  }
  if (playbook.pitfalls.length > 0) {
    t.line();
    t.line(indent + style.bold('Pitfalls'));
    for (const pitfall of playbook.pitfalls) {
      for (const line of wrap(pitfall, t.width, '    ', `  ${style.yellow('!')} `)) t.line(line);
    }
  }
}

export function confidenceText(t: Terminal, confidence: number): string {
  const text = formatScore(confidence);
  if (confidence >= 0.7) return t.style.green(text);
  return confidence >= 0.4 ? t.style.yellow(text) : t.style.red(text);
}
