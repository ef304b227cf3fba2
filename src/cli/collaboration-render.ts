import type { Checkpoint, Link, Pattern } from '../core/index.js';
import type { Handoff } from '../learning/index.js';
import {
  columns,
  formatPercent,
  formatScore,
  formatTime,
  heading,
  plural,
  type Terminal,
  wrap,
} from './format.js';

export function renderFeedback(t: Terminal, patterns: Pattern[], success: boolean): void {
  const verdict = success ? t.style.green('success') : t.style.red('failure');
  t.line(`Recorded ${verdict} feedback for ${plural(patterns.length, 'pattern')}`);
  for (const p of patterns) {
    const helped = `${p.feedbackHelped}/${p.feedbackApplied} helped`;
    t.line(`  ${p.id}  effectiveness ${formatScore(p.effectiveness)} ${t.style.dim(`(${helped})`)}`);
  }
}

export function checkpointLine(t: Terminal, c: Checkpoint): string {
  const progress = c.progress === undefined ? '' : ` ${formatPercent(c.progress)}`;
  const meta = t.style.dim(`${formatTime(c.at)} · step ${c.stepCount}${progress}`);
  return `${meta}  ${c.note}`;
}

function list(t: Terminal, title: string, items: string[]): void {
  heading(t, title);
  if (items.length === 0) t.line(t.style.dim('  none'));
  for (const item of items) for (const line of wrap(item, t.width, '    ', '  - ')) t.line(line);
}

export function renderHandoff(t: Terminal, h: Handoff): void {
  t.line(
    `${t.style.bold('Handoff')} ${h.episodeId}: ${h.status} ${t.style.dim(`after ${plural(h.stepsDone, 'step')}`)}`,
  );
  for (const line of wrap(h.task, t.width, '  ', '  ')) t.line(line);
  if (h.lastCheckpoint) t.line(`  last checkpoint: ${checkpointLine(t, h.lastCheckpoint)}`);
  t.line();
  list(t, 'What worked', h.whatWorked);
  list(t, 'What failed', h.whatFailed);
  heading(t, 'Next steps');
  if (h.nextSteps.length === 0) t.line(t.style.dim('  none suggested'));
  h.nextSteps.forEach((s, i) => {
    t.line(`  ${i + 1}. ${s.tool}${s.action ? ` ${t.style.dim('·')} ${s.action}` : ''}`);
    if (s.why) for (const line of wrap(s.why, t.width, '     ', '     ')) t.line(t.style.dim(line));
  });
  list(t, 'Notes', h.notes);
}

export function renderLinks(t: Terminal, episodeId: string, links: Link[]): void {
  if (links.length === 0) {
    t.line(t.style.dim(`episode ${episodeId} has no links`));
    return;
  }
  columns(
    t,
    ['FROM', 'TYPE', 'TO', 'NOTE'],
    links.map((l) => [l.from, l.type, l.to, l.note ?? '']),
  );
}
