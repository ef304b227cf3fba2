import type { Command } from 'commander';
import { type Cli, output, withMemory } from './context.js';
import { formatDuration } from './format.js';
import { createProgress } from './progress.js';

export function registerReindexCommand(program: Command, cli: Cli): void {
  program
    .command('reindex')
    .description('embed every episode and pattern that has no vector of the current embeddings provider')
    .addHelpText(
      'after',
      `
Run it after changing the provider (--embeddings, SLMEM_EMBEDDINGS), or when background embedding failed.
Until then retrieval still finds those episodes by their words.

Example:
  $ slmem --embeddings hash reindex`,
    )
    .action(async (_flags: unknown, command: Command) => {
      const started = performance.now();
      const progress = {
        episode: createProgress(cli.stderr, 'episodes'),
        pattern: createProgress(cli.stderr, 'patterns'),
      };
      const result = await withMemory(command, cli, async (memory) => {
        const counts = await memory.reindex(({ kind, done, total }) => {
          progress[kind].update(done, total);
          if (done === total) progress[kind].finish();
        });
        const stats = await memory.stats();
        return { ...counts, provider: stats.embeddings?.provider ?? null };
      });
      const seconds = (performance.now() - started) / 1_000;
      output(command, cli, { ...result, seconds: Math.round(seconds * 1000) / 1000 }, (t) =>
        t.line(
          result.provider === null
            ? 'Embeddings are off; nothing to do.'
            : `Embedded ${result.episodes} episodes and ${result.patterns} patterns with ${result.provider} in ${formatDuration(seconds * 1000)}`,
        ),
      );
    });
}
