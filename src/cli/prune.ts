import type { Command } from 'commander';
import { MemoryError } from '../core/index.js';
import type { PruneReport } from '../memory/index.js';
import { type Cli, output, withMemory } from './context.js';
import { formatTime, oneLine, plural, type Terminal } from './format.js';
import { integer } from './parse.js';

/** `90d`, `12h`, `30m`, `2w`, checked here so a typo is a usage error before the database is opened. */
function duration(value: string): string {
  if (/^\s*\d+(\.\d+)?\s*[smhdw]\s*$/.test(value)) return value.trim();
  throw new MemoryError(
    'INVALID_INPUT',
    `--older-than must be a duration such as 90d, 12h or 2w, got "${value}"`,
  );
}

export function registerPruneCommand(program: Command, cli: Cli): void {
  program
    .command('prune')
    .description('delete old or surplus completed episodes; what they taught (patterns, heuristics) stays')
    .option(
      '--older-than <duration>',
      'completed episodes that ended longer ago than this: 90d, 12h, 2w',
      duration,
    )
    .option(
      '--max-episodes <n>',
      'keep at most N episodes: evict completed ones with the lowest reward first, then the oldest',
      integer('--max-episodes', 0),
    )
    .option('--keep-successful', 'never delete an episode whose outcome is success')
    .option('--dry-run', 'list what would be deleted and delete nothing')
    .addHelpText(
      'after',
      `
Episodes in progress are never deleted. Patterns and heuristics keep their counts; their evidence may go on
naming deleted episodes. Feedback and tool counts stay.

Example:
  $ slmem prune --older-than 90d --keep-successful --dry-run
  $ slmem prune --max-episodes 10000`,
    )
    .action(
      async (
        flags: { olderThan?: string; maxEpisodes?: number; keepSuccessful?: boolean; dryRun?: boolean },
        command: Command,
      ) => {
        if (flags.olderThan === undefined && flags.maxEpisodes === undefined) {
          throw new MemoryError(
            'INVALID_INPUT',
            'say what to prune: --older-than <duration> and/or --max-episodes <n>',
          );
        }
        const report = await withMemory(command, cli, (memory) =>
          memory.prune({
            ...(flags.olderThan === undefined ? {} : { olderThan: flags.olderThan }),
            ...(flags.maxEpisodes === undefined ? {} : { maxEpisodes: flags.maxEpisodes }),
            keepSuccessful: flags.keepSuccessful === true,
            dryRun: flags.dryRun === true,
          }),
        );
        output(command, cli, report, (t) => renderPrune(t, report));
      },
    );
}

function renderPrune(t: Terminal, report: PruneReport): void {
  const verb = report.dryRun ? 'Would delete' : 'Deleted';
  t.line(`${verb} ${plural(report.deleted.length, 'episode')}; ${report.remaining} left`);
  for (const e of report.deleted) {
    const reward = e.reward === null ? '' : ` reward ${e.reward.toFixed(2)}`;
    t.line(
      `  ${e.id}  ${formatTime(e.endedAt)}  ${e.outcome}${reward}  (${e.reason})  ${oneLine(e.task, 60)}`,
    );
  }
}
