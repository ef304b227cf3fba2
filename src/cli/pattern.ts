import type { Command } from 'commander';
import { PATTERN_TYPES, type Pattern, type PatternType } from '../core/index.js';
import { type Cli, output, withMemory } from './context.js';
import { columns, formatPercent, formatScore, formatTime, type Terminal, wrap } from './format.js';
import { choice, integer } from './parse.js';
import { shortDescription } from './render.js';

interface PatternSearchFlags {
  text: string;
  domain?: string;
  type?: PatternType;
  limit: number;
}

interface PatternListFlags {
  type?: PatternType;
  domain?: string;
  limit: number;
}

export function registerPatternCommands(program: Command, cli: Cli): void {
  const pattern = program.command('pattern').description('look at the patterns learned from episodes');

  pattern
    .command('list')
    .description('list learned patterns, most seen first')
    .option('--type <type>', `only this type: ${PATTERN_TYPES.join(', ')}`, choice('--type', PATTERN_TYPES))
    .option('--domain <name>', 'only patterns seen in this domain')
    .option('--limit <n>', 'at most this many (1-1000)', integer('--limit', 1, 1_000), 20)
    .action(async (flags: PatternListFlags, command: Command) => {
      const patterns = await withMemory(command, cli, (memory) => memory.listPatterns(flags));
      output(command, cli, patterns, (t) => renderPatternList(t, patterns));
    });

  pattern
    .command('search')
    .description('find patterns by meaning and words, best first, weighted by how well they worked')
    .requiredOption('--text <text>', 'what you are looking for, e.g. a task or a problem')
    .option('--domain <name>', 'prefer patterns of this domain')
    .option('--type <type>', `only this type: ${PATTERN_TYPES.join(', ')}`, choice('--type', PATTERN_TYPES))
    .option('--limit <n>', 'at most this many (1-100)', integer('--limit', 1, 100), 10)
    .addHelpText(
      'after',
      '\nExample:\n  $ slmem pattern search --text "tests fail after a dependency upgrade" --type error_recovery',
    )
    .action(async (flags: PatternSearchFlags, command: Command) => {
      const found = await withMemory(command, cli, (memory) =>
        memory.searchPatterns({
          text: flags.text,
          limit: flags.limit,
          ...(flags.type ? { type: flags.type } : {}),
          ...(flags.domain ? { context: { domain: flags.domain } } : {}),
        }),
      );
      output(
        command,
        cli,
        found.map(({ pattern, score, why }) => ({ ...pattern, score, why })),
        (t) => renderPatternSearch(t, found),
      );
    });

  pattern
    .command('show')
    .description('show one pattern: what it is, where it was seen and how well it works')
    .argument('<id>', 'pattern id (see "pattern list")')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const found = await withMemory(command, cli, (memory) => memory.getPattern(id));
      output(command, cli, found, (t) => renderPattern(t, found));
    });
}

function renderPatternList(t: Terminal, patterns: Pattern[]): void {
  if (patterns.length === 0) {
    t.line(t.style.dim('No patterns yet: complete or import some episodes first.'));
    return;
  }
  const rows = patterns.map((p) => [
    p.id,
    p.type,
    formatPercent(p.successRate),
    `${p.occurrences}×`,
    shortDescription(p.description),
  ]);
  columns(t, ['ID', 'TYPE', 'SUCCESS', 'SEEN', 'DESCRIPTION'], rows);
}

function renderPatternSearch(
  t: Terminal,
  found: Array<{ pattern: Pattern; score: number; why: string }>,
): void {
  if (found.length === 0) {
    t.line(t.style.dim('No matching patterns.'));
    return;
  }
  found.forEach(({ pattern, score, why }, i) => {
    t.line(
      `${String(i + 1).padStart(3)}. ${formatScore(score)}  ${t.style.cyan(pattern.type)}  ${shortDescription(pattern.description)}`,
    );
    t.line(`        ${t.style.dim(`${why} · ${pattern.id}`)}`);
  });
}

function renderPattern(t: Terminal, pattern: Pattern): void {
  const { style } = t;
  t.line(`${style.bold('Pattern')} ${pattern.id}  ${style.cyan(pattern.type)}`);
  for (const line of wrap(shortDescription(pattern.description), t.width, '  ')) t.line(line);
  t.line();
  const ctx = pattern.context;
  const facts: Array<[string, string]> = [
    ['success', `${formatPercent(pattern.successRate)} (${pattern.successCount} of ${pattern.occurrences})`],
    ['latency', `${Math.round(pattern.avgLatencyMs)} ms on average`],
    ['effectiveness', pattern.effectiveness.toFixed(2)],
    [
      'context',
      [ctx.domain, ctx.taskType, ctx.language, ctx.framework, ...ctx.tags].filter(Boolean).join(' · '),
    ],
    ['seen', `${formatTime(pattern.firstSeen)} … ${formatTime(pattern.lastSeen)}`],
    ['evidence', `${pattern.evidence.length} episodes, latest ${pattern.evidence.at(-1) ?? '-'}`],
  ];
  for (const [label, value] of facts) t.line(`  ${style.dim(label.padEnd(14))}${value}`);
  t.line();
  t.line(style.bold('Data'));
  for (const line of JSON.stringify(pattern.data, null, 2).split('\n')) t.line(`  ${style.dim(line)}`);
}
