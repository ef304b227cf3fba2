import type { Command } from 'commander';
import { type Heuristic, MemoryError } from '../core/index.js';
import { type Cli, output, withMemory } from './context.js';
import { columns, formatPercent, type Terminal } from './format.js';
import { integer, number } from './parse.js';
import { shortDescription } from './render.js';

interface HeuristicListFlags {
  domain?: string;
  minConfidence?: number;
  limit: number;
}

/** A confidence is a share: a number from 0 to 1. */
function confidence(flag: string): (value: string) => number {
  const atLeastZero = number(flag, 0);
  return (value) => {
    const n = atLeastZero(value);
    if (n > 1) throw new MemoryError('INVALID_INPUT', `${flag} must be a number from 0 to 1, got "${value}"`);
    return n;
  };
}

export function registerHeuristicCommands(program: Command, cli: Cli): void {
  const heuristic = program
    .command('heuristic')
    .description('look at the rules (when X, do Y) learned from episodes');

  heuristic
    .command('list')
    .description('list learned heuristics, most confident first')
    .option('--domain <name>', 'only heuristics of this domain')
    .option(
      '--min-confidence <x>',
      'only those at least this confident (0-1)',
      confidence('--min-confidence'),
    )
    .option('--limit <n>', 'at most this many (1-1000)', integer('--limit', 1, 1_000), 20)
    .addHelpText('after', '\nExample:\n  $ slmem heuristic list --domain web --min-confidence 0.6')
    .action(async (flags: HeuristicListFlags, command: Command) => {
      const heuristics = await withMemory(command, cli, (memory) =>
        memory.listHeuristics({
          limit: flags.limit,
          ...(flags.domain ? { domain: flags.domain } : {}),
          ...(flags.minConfidence === undefined ? {} : { minConfidence: flags.minConfidence }),
        }),
      );
      output(command, cli, heuristics, (t) => renderHeuristicList(t, heuristics));
    });
}

function renderHeuristicList(t: Terminal, heuristics: Heuristic[]): void {
  if (heuristics.length === 0) {
    t.line(t.style.dim('No heuristics match: complete or import some episodes first.'));
    return;
  }
  const rows = heuristics.map((h) => [
    h.id,
    formatPercent(h.confidence),
    `${h.agree}/${h.agree + h.disagree}`,
    h.domain,
    shortDescription(`when ${h.conditionText}, ${h.actionText}`),
  ]);
  columns(t, ['ID', 'CONFIDENCE', 'AGREE', 'DOMAIN', 'RULE'], rows);
}
