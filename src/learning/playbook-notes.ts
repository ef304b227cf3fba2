import type { Pattern } from '../core/index.js';
import { compareText, cut } from './episode-utils.js';
import type { PlaybookInput } from './playbook.js';
import { summarizeEpisode } from './summary.js';

const MAX_PITFALLS = 5;
const MAX_WHEN = 3;

/**
 * Up to five warnings, in order: error recoveries (those on the playbook's tools first), tool_error and
 * check_result rules that later episodes confirmed more often than not and that no recovery says already,
 * reasons of failed or abstained
 * episodes, then improvements from their reflections. Records the patterns and rules it used.
 */
export function pitfallsOf(
  input: PlaybookInput,
  tools: ReadonlySet<string>,
  patternIds: Set<string>,
  heuristicIds: Set<string>,
): string[] {
  const lines = new Map<string, { patternId?: string; heuristicId?: string }>();
  const covered = new Set<string>();
  const recoveries = input.patterns
    .filter((p) => p.data.type === 'error_recovery')
    .sort(
      (a, b) =>
        Number(tools.has(errorTool(b))) - Number(tools.has(errorTool(a))) ||
        b.occurrences - a.occurrences ||
        compareText(a.id, b.id),
    );
  for (const p of recoveries) {
    if (p.data.type !== 'error_recovery') continue;
    const recovery = p.data.recovery.map((s) => s.tool);
    covered.add(`${p.data.failed.tool}|${p.data.errorClass}|${recovery.join('>')}`);
    const text = `If ${p.data.failed.tool} fails with ${p.data.errorClass}: ${recovery.join(' → ')}`;
    if (!lines.has(text)) lines.set(text, { patternId: p.id });
  }
  const rules = input.heuristics
    .filter((h) => h.condition.kind !== 'context' && h.agree > h.disagree)
    .sort((a, b) => b.confidence - a.confidence || compareText(a.id, b.id));
  for (const h of rules) {
    const c = h.condition;
    if (c.kind === 'tool_error' && covered.has(`${c.tool}|${c.errorClass}|${h.actionTools.join('>')}`))
      continue;
    const text = `${h.conditionText}: ${h.actionText.charAt(0).toLowerCase()}${h.actionText.slice(1)}`;
    if (!lines.has(text)) lines.set(text, { heuristicId: h.id });
  }
  for (const { episode } of input.episodes) {
    const o = episode.outcome;
    if ((o?.status === 'failure' || o?.status === 'abstained') && o.reason.trim()) {
      const verb = o.status === 'failure' ? 'failed' : 'abstained';
      const text = `A past attempt ${verb}: ${cut(o.reason, 100)}`;
      if (!lines.has(text)) lines.set(text, {});
    }
  }
  for (const { episode } of input.episodes) {
    for (const line of episode.reflection?.improvements ?? []) if (!lines.has(line)) lines.set(line, {});
  }
  const chosen = [...lines.entries()].slice(0, MAX_PITFALLS);
  for (const [, source] of chosen) {
    if (source.patternId) patternIds.add(source.patternId);
    if (source.heuristicId) heuristicIds.add(source.heuristicId);
  }
  return chosen.map(([text]) => text);
}

function errorTool(p: Pattern): string {
  return p.data.type === 'error_recovery' ? p.data.failed.tool : '';
}

/** Up to three lines: the context, the concepts most supporting episodes share, the top episode's task. */
export function whenToApply(input: PlaybookInput, supportingIds: readonly string[]): string[] {
  const { domain, language, framework, complexity } = input.context;
  const stack = [language, framework].filter((x): x is string => x !== undefined);
  const lines = [
    `In ${domain}${stack.length > 0 ? ` with ${stack.join(' and ')}` : ''}, ${complexity} tasks`,
  ];
  const supporting = supportingIds.flatMap((id) => {
    const found = input.episodes.find((e) => e.episode.id === id);
    return found ? [found.episode] : [];
  });
  const counts = new Map<string, number>();
  for (const episode of supporting) {
    for (const c of new Set(episode.summary?.keyConcepts ?? summarizeEpisode(episode).keyConcepts)) {
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  const needed = supporting.length <= 1 ? 1 : Math.max(2, Math.ceil(supporting.length / 2));
  const shared = [...counts]
    .filter(([, n]) => n >= needed)
    .sort((a, b) => b[1] - a[1])
    .map(([c]) => c);
  if (shared.length > 0) lines.push(`Tasks about ${shared.slice(0, 5).join(', ')}`);
  const top = supporting[0];
  if (top) lines.push(`Tasks like "${cut(top.task, 80)}"`);
  return lines.slice(0, MAX_WHEN);
}
