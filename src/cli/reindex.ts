import type { Command } from 'commander';
import type { SelfLearningMemory } from '../memory/index.js';
import { type Cli, output, withMemory } from './context.js';
import { formatDuration, plural } from './format.js';
import { createProgress, type Progress } from './progress.js';

export interface EmbedReport {
  /** The provider's id; null when embeddings are off. */
  provider: string | null;
  episodes: number;
  patterns: number;
  seconds: number;
}

const LABELS = { episode: 'Embedding episodes', pattern: 'Embedding patterns' } as const;

/** Embeds every episode and pattern without a current vector, with progress per kind on stderr. */
export async function embedStale(memory: SelfLearningMemory, cli: Cli): Promise<EmbedReport> {
  const started = performance.now();
  // Episodes, then patterns: each kind's progress starts when its phase does, so its duration and ETA are its own.
  let phase: { kind: keyof typeof LABELS; progress: Progress } | undefined;
  const counts = await memory.reindex(({ kind, done, total }) => {
    if (phase?.kind !== kind) {
      phase?.progress.finish();
      phase = { kind, progress: createProgress(cli.stderr, LABELS[kind]) };
    }
    phase.progress.update(done, total);
  });
  phase?.progress.finish();
  const provider = (await memory.stats()).embeddings?.provider ?? null;
  return { provider, ...counts, seconds: Math.round(performance.now() - started) / 1_000 };
}

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
      const report = await withMemory(command, cli, (memory) => embedStale(memory, cli));
      output(command, cli, report, (t) =>
        t.line(
          report.provider === null
            ? 'Embeddings are off; nothing to do.'
            : `Embedded ${plural(report.episodes, 'episode')} and ${plural(report.patterns, 'pattern')} with ${report.provider} in ${formatDuration(report.seconds * 1_000)}`,
        ),
      );
    });
}
