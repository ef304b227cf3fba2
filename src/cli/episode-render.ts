import type { Episode, Outcome, Reward } from '../core/index.js';
import type { CompletionReport } from '../memory/index.js';
import { columns, formatScore, formatTime, heading, plural, type Terminal, wrap } from './format.js';
import { heuristicLines, patternLine, stepDetail, stepLine } from './render.js';

export function outcomeText(t: Terminal, outcome: Outcome | undefined): string {
  if (!outcome) return t.style.dim('running');
  const colour = {
    success: t.style.green,
    partial: t.style.yellow,
    failure: t.style.red,
    abstained: t.style.magenta,
  };
  return colour[outcome.status](outcome.status);
}

function outcomeNote(outcome: Outcome): string {
  return outcome.status === 'success' || outcome.status === 'partial' ? outcome.verdict : outcome.reason;
}

function rewardLines(t: Terminal, reward: Reward): string[] {
  const parts = [
    `base ${formatScore(reward.base)}`,
    `efficiency ${formatScore(reward.efficiency)}`,
    `error rate ${formatScore(reward.errorRate)}`,
    `recovery ${formatScore(reward.recovery)}`,
    `complexity ×${reward.complexityMultiplier.toFixed(2)}`,
  ];
  return [
    `${t.style.bold('Reward')}  ${t.style.bold(formatScore(reward.total))}  ${t.style.dim(parts.join(' · '))}`,
  ];
}

function reflectionLines(t: Terminal, episode: Episode): string[] {
  const reflection = episode.reflection;
  if (!reflection) return [];
  const lines = [t.style.bold('Reflection')];
  const groups: Array<[string, string[]]> = [
    [t.style.green('+'), reflection.successes],
    [t.style.yellow('↑'), reflection.improvements],
    [t.style.cyan('•'), reflection.insights],
  ];
  for (const [mark, items] of groups) {
    for (const item of items) lines.push(...wrap(item, t.width, '    ', `  ${mark} `));
  }
  if (lines.length === 1) lines.push(t.style.dim('  nothing to note'));
  return lines;
}

export function renderCompletion(t: Terminal, report: CompletionReport): void {
  const { episode, patterns, heuristics } = report;
  t.line(
    `Completed ${episode.id}: ${outcomeText(t, episode.outcome)} ${t.style.dim(`after ${plural(episode.steps.length, 'step')}`)}`,
  );
  for (const line of rewardLines(t, episode.reward)) t.line(line);
  t.line();
  for (const line of reflectionLines(t, episode)) t.line(line);
  t.line();
  heading(t, `Patterns learned (${patterns.length})`);
  for (const pattern of patterns) t.line(patternLine(t, pattern));
  if (heuristics.length > 0) {
    t.line();
    heading(t, `Heuristics learned (${heuristics.length})`);
    for (const heuristic of heuristics) for (const line of heuristicLines(t, heuristic)) t.line(line);
  }
}

export function renderEpisode(t: Terminal, episode: Episode): void {
  const { style } = t;
  t.line(`${style.bold('Episode')} ${episode.id}  ${outcomeText(t, episode.outcome)}`);
  for (const line of wrap(episode.task, t.width, '  ')) t.line(line);
  const ctx = episode.context;
  const facts = [
    `type ${episode.taskType}`,
    `domain ${ctx.domain}`,
    ctx.language && `language ${ctx.language}`,
    ctx.framework && `framework ${ctx.framework}`,
    `complexity ${ctx.complexity}`,
    `started ${formatTime(episode.startedAt)}`,
    episode.endedAt && `ended ${formatTime(episode.endedAt)}`,
  ].filter(Boolean);
  t.line(style.dim(`  ${facts.join(' · ')}`));
  const tags = [...episode.tags, ...ctx.tags.map((tag) => `context:${tag}`)];
  if (tags.length > 0) t.line(style.dim(`  tags ${tags.join(', ')}`));
  t.line();
  heading(t, `Steps (${episode.steps.length})`);
  for (const step of episode.steps) {
    t.line(stepLine(t, step));
    for (const line of stepDetail(t, step)) t.line(line);
  }
  if (episode.outcome) {
    t.line();
    const note = outcomeNote(episode.outcome);
    t.line(
      `${style.bold('Outcome')} ${outcomeText(t, episode.outcome)}${note ? ` ${style.dim('—')} ${note}` : ''}`,
    );
  }
  if (episode.reward) for (const line of rewardLines(t, episode.reward)) t.line(line);
  if (episode.summary) {
    for (const line of wrap(episode.summary.text, t.width, '  ', `${style.bold('Summary')} `)) t.line(line);
  }
  if (episode.reflection) {
    t.line();
    for (const line of reflectionLines(t, episode)) t.line(line);
  }
  if (episode.patternIds.length + episode.heuristicIds.length > 0) {
    t.line();
    t.line(
      style.dim(
        `Taught ${plural(episode.patternIds.length, 'pattern')} and ${plural(episode.heuristicIds.length, 'heuristic')}`,
      ),
    );
  }
}

export function renderEpisodeList(t: Terminal, episodes: Episode[]): void {
  if (episodes.length === 0) {
    t.line(t.style.dim('No episodes match.'));
    return;
  }
  const rows = episodes.map((e) => [
    e.id,
    formatTime(e.startedAt),
    outcomeText(t, e.outcome),
    e.reward ? formatScore(e.reward.total) : '',
    e.task,
  ]);
  columns(t, ['ID', 'STARTED', 'OUTCOME', 'REWARD', 'TASK'], rows);
}
