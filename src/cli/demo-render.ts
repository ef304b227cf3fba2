import type { DemoReport } from './demo.js';
import {
  formatDuration,
  formatScore,
  oneLine,
  padEnd,
  plural,
  type Terminal,
  visibleLength,
  wrap,
} from './format.js';
import { patternLine, renderPlaybook } from './render.js';

type FullDemoReport = DemoReport & { db: string; temporary: boolean };

function section(t: Terminal, title: string, note?: string): void {
  t.line();
  t.line(`${t.style.bold(t.style.cyan(title))}${note ? `  ${t.style.dim(note)}` : ''}`);
  t.line(t.style.dim('─'.repeat(Math.min(t.width, 100))));
}

export function renderDemo(t: Terminal, report: FullDemoReport): void {
  const { style } = t;
  const { learning } = report;
  t.line(style.bold('slmem demo: learning customer service from tau-bench retail'));

  section(t, '1. Learning', 'from the 500 train tasks, each a solved episode');
  const rate = learning.seconds > 0 ? Math.round(learning.imported / learning.seconds) : learning.imported;
  const importLine =
    learning.imported > 0
      ? `${learning.imported} imported in ${formatDuration(learning.seconds * 1_000)} (${rate}/s)`
      : `${learning.alreadyThere} already in this memory`;
  const fact = (label: string, value: string) => t.line(`  ${style.dim(padEnd(label, 12))}${value}`);
  fact(
    'episodes',
    `${learning.episodes} ${style.dim(`· ${importLine}${learning.failed ? ` · ${learning.failed} failed` : ''}`)}`,
  );
  const byType = Object.entries(learning.patternsByType)
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `${type} ${n}`);
  fact('patterns', `${learning.patterns} ${style.dim(byType.length > 0 ? `· ${byType.join(' · ')}` : '')}`);
  fact('heuristics', String(learning.heuristics));
  if (learning.embeddings) {
    fact(
      'vectors',
      `${learning.embeddings} ${style.dim(`· embedded in ${formatDuration(learning.embedSeconds * 1_000)}`)}`,
    );
  }

  section(t, '2. A new task', `tau-bench retail test #${report.task.index}, held back from learning`);
  for (const line of wrap(report.task.instruction, t.width, '  ')) t.line(line);

  section(t, '3. What memory recalls', `top ${plural(report.episodes.length, 'episode')}`);
  if (report.episodes.length === 0) t.line(style.dim('  nothing relevant'));
  report.episodes.forEach((episode, i) => {
    const lead = `  ${String(i + 1).padStart(2)}. ${style.bold(formatScore(episode.score))}  `;
    t.line(`${lead}${oneLine(episode.task, t.width - visibleLength(lead))}`);
    for (const line of wrap(episode.why, t.width, ' '.repeat(11))) t.line(style.dim(line));
  });
  if (report.patterns.length > 0) {
    t.line();
    t.line(style.bold('  Top patterns'));
    for (const p of report.patterns) t.line(patternLine(t, p, '    ', p.score));
  }

  section(t, '4. The playbook', 'what memory advises for the new task');
  renderPlaybook(t, report.playbook, { task: false, indent: '  ' });

  section(t, '5. What the expert did', "tau-bench's gold actions for this task");
  const marks = { 'same-position': style.green('✓'), elsewhere: style.yellow('~'), missing: style.red('✗') };
  for (const step of report.expert.steps) {
    const where =
      step.match === 'same-position'
        ? `playbook step ${step.playbookStep}`
        : step.match === 'elsewhere'
          ? `in the playbook at step ${step.playbookStep}`
          : 'not in the playbook';
    t.line(
      `  ${String(step.order).padStart(2)}. ${marks[step.match]} ${padEnd(step.tool, 32)} ${style.dim(where)}`,
    );
  }
  const { inPlaybook, samePosition, steps } = report.expert;
  t.line();
  t.line(
    `  The playbook has ${inPlaybook} of ${steps.length} expert actions, ${samePosition} at the same position.`,
  );

  t.line();
  t.line(
    style.dim(report.temporary ? 'This memory lives in a temporary database:' : 'This memory lives in:'),
  );
  t.line(`  ${report.db}`);
  t.line(style.dim('Keep exploring it:'));
  const db = /\s/.test(report.db) ? `"${report.db}"` : report.db;
  t.line(`  npx slmem --db ${db} retrieve --task "cancel my order, I no longer need it" --domain retail`);
  t.line(
    `  npx slmem --db ${db} playbook --task "exchange a delivered item for another size" --domain retail`,
  );
  t.line(`  npx slmem --db ${db} pattern list`);
  t.line(`  npx slmem --db ${db} serve      # then open http://127.0.0.1:7077 to browse it`);
}
