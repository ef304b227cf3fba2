import type { Command } from 'commander';
import { redactUrl } from '../core/index.js';
import { type Cli, dbOf, output, withMemory } from './context.js';
import { formatScore, type Terminal } from './format.js';
import type { MemoryStats } from './render.js';

export function registerStatsCommand(program: Command, cli: Cli): void {
  program
    .command('stats')
    .description('what the memory holds: episodes by outcome and domain, steps, patterns, heuristics')
    .action(async (_flags: unknown, command: Command) => {
      const db = redactUrl(dbOf(command, cli.env));
      const { stats, backend } = await withMemory(command, cli, async (memory) => ({
        stats: await memory.stats(),
        backend: memory.backend,
      }));
      output(command, cli, { db, backend, ...stats }, (t) => renderStats(t, stats, `${db} (${backend})`));
    });
}

function renderStats(t: Terminal, stats: MemoryStats, where: string): void {
  const { style } = t;
  const row = (label: string, value: string) => t.line(`  ${style.dim(label.padEnd(18))}${value}`);
  t.line(`${style.bold('Memory')} ${where}`);
  row(
    'episodes',
    `${stats.episodes} (${stats.completedEpisodes} completed, ${stats.episodes - stats.completedEpisodes} running)`,
  );
  row('steps', String(stats.steps));
  const types = Object.entries(stats.patternsByType).filter(([, n]) => n > 0);
  row(
    'patterns',
    `${stats.patterns}${types.length > 0 ? ` (${types.map(([k, n]) => `${k} ${n}`).join(' · ')})` : ''}`,
  );
  row('heuristics', String(stats.heuristics));
  const e = stats.embeddings;
  row(
    'embeddings',
    e === null
      ? 'off (BM25 only)'
      : `${e.provider} · ${e.episodes} episodes, ${e.patterns} patterns embedded` +
          (e.staleEpisodes + e.stalePatterns > 0
            ? ` · ${e.staleEpisodes + e.stalePatterns} not yet (run "slmem reindex")`
            : ''),
  );
  row(
    'tuning',
    stats.tuning ? `${stats.tuning.at.slice(0, 10)}, ${stats.tuning.note}` : 'not yet (slmem tune)',
  );
  const q = stats.queryCache;
  row('query cache', `${q.hits} hits, ${q.misses} misses (this process)`);
  row('average reward', stats.averageReward === null ? '-' : formatScore(stats.averageReward));
  const outcomes = Object.entries(stats.byOutcome).filter(([, n]) => n > 0);
  if (outcomes.length > 0) row('by outcome', outcomes.map(([k, n]) => `${k} ${n}`).join(' · '));
  const domains = Object.entries(stats.byDomain).sort((a, b) => b[1] - a[1]);
  if (domains.length > 0) {
    const shown = domains.slice(0, 8).map(([k, n]) => `${k} ${n}`);
    if (domains.length > 8) shown.push(`… ${domains.length - 8} more`);
    row('by domain', shown.join(' · '));
  }
}
