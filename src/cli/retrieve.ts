import type { Command } from 'commander';
import { type Cli, output, withMemory } from './context.js';
import { formatScore, heading, oneLine, plural, type Terminal, wrap } from './format.js';
import { integer } from './parse.js';
import { addQueryOptions, type QueryFlags, queryContext } from './query-options.js';
import { heuristicLines, patternLine, type RetrievalResult, shortDescription } from './render.js';

interface RetrieveFlags extends QueryFlags {
  limit: number;
}

export function registerRetrieveCommand(program: Command, cli: Cli): void {
  addQueryOptions(program.command('retrieve'), 'episodes')
    .description(
      'find the past episodes most relevant to a task, with the patterns and heuristics they taught',
    )
    .option('--limit <k>', 'how many episodes (1-100)', integer('--limit', 1, 100), 5)
    .addHelpText(
      'after',
      '\nExample:\n  $ slmem retrieve --task "Login test fails after upgrading jsonwebtoken" --domain web --limit 3',
    )
    .action(async (flags: RetrieveFlags, command: Command) => {
      const context = queryContext(flags);
      const result = await withMemory(command, cli, (memory) =>
        memory.retrieve({ task: flags.task, context, limit: flags.limit }),
      );
      output(command, cli, retrievalJson(result), (t) => renderRetrieval(t, result, { limitPatterns: 5 }));
    });
}

/** The `--json` shape of a retrieval: flat, with the outcome as its status and the reward as its total. */
export function retrievalJson(result: RetrievalResult) {
  return {
    episodes: result.episodes.map(({ episode, score, why }) => ({
      id: episode.id,
      task: episode.task,
      score,
      why,
      outcome: episode.outcome?.status ?? null,
      reward: episode.reward?.total ?? null,
    })),
    patterns: result.patterns.map(({ pattern, score }) => ({
      id: pattern.id,
      type: pattern.type,
      description: shortDescription(pattern.description),
      successRate: pattern.successRate,
      occurrences: pattern.occurrences,
      score,
    })),
    heuristics: result.heuristics.map(({ heuristic, score }) => ({
      id: heuristic.id,
      conditionText: heuristic.conditionText,
      actionText: heuristic.actionText,
      confidence: heuristic.confidence,
      score,
    })),
  };
}

export function renderRetrievedEpisodes(t: Terminal, result: RetrievalResult): void {
  const { style } = t;
  if (result.episodes.length === 0) {
    t.line(style.dim('  Nothing relevant in memory yet.'));
    return;
  }
  result.episodes.forEach(({ episode, score, why }, i) => {
    const lead = `${String(i + 1).padStart(3)}. ${style.bold(formatScore(score))}  `;
    const indent = ' '.repeat(9);
    t.line(`${lead}${oneLine(episode.task, t.width - indent.length)}`);
    for (const line of wrap(why, t.width, indent)) t.line(style.dim(line));
    t.line(style.dim(`${indent}${episode.id}`));
  });
}

export function renderRetrieval(
  t: Terminal,
  result: RetrievalResult,
  options: { limitPatterns: number },
): void {
  heading(t, `Relevant episodes (${result.episodes.length})`);
  renderRetrievedEpisodes(t, result);
  if (result.patterns.length > 0) {
    t.line();
    heading(
      t,
      `Patterns ${t.style.dim(`(top ${Math.min(options.limitPatterns, result.patterns.length)} of ${result.patterns.length})`)}`,
    );
    for (const { pattern, score } of result.patterns.slice(0, options.limitPatterns))
      t.line(patternLine(t, pattern, '  ', score));
  }
  if (result.heuristics.length > 0) {
    t.line();
    heading(t, `Heuristics (${plural(result.heuristics.length, 'rule')})`);
    for (const { heuristic, score } of result.heuristics.slice(0, 5)) {
      for (const line of heuristicLines(t, heuristic, '  ', score)) t.line(line);
    }
  }
}
