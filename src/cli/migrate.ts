import type { Command } from 'commander';
import { type MigratedNamespace, migrateMemory } from '../memory/index.js';
import { type Cli, openMemory, output } from './context.js';
import { formatDuration, plural, type Terminal } from './format.js';
import { integer } from './parse.js';
import { createProgress, type Progress } from './progress.js';
import { type EmbedReport, embedStale } from './reindex.js';

interface MigrateFlags {
  from: string;
  to: string;
  batch: number;
  embed: boolean;
}

export function registerMigrateCommand(program: Command, cli: Cli): void {
  // --namespace is the program's option: single-valued, and taken wherever it appears on the line. Each
  // occurrence is collected here so that it can repeat for migrate. One from $SLMEM_NAMESPACE is not an
  // occurrence (commander reports it as another event): it says where other commands work, not what to copy.
  const named: string[] = [];
  program.on('option:namespace', (value: string) => named.push(value));
  program
    .command('migrate')
    .description(
      'copy a memory into another store (a file into PostgreSQL, PostgreSQL into a file, file to file)',
    )
    .requiredOption(
      '--from <path-or-url>',
      'the store to copy from: a file (opened read-only) or a postgres:// URL',
    )
    .requiredOption('--to <path-or-url>', 'the store to copy into; the namespaces copied must be empty there')
    .option('--batch <n>', 'records per transaction (1-10000)', integer('--batch', 1, 10_000), 200)
    .option('--no-embed', 'do not embed the copied episodes and patterns now (run "slmem reindex" later)')
    .addHelpText(
      'after',
      `
Copies every namespace of --from, or only those named with --namespace (repeat it for several): episodes
(in progress too) with their steps, rewards and reflections, patterns and heuristics as they are, feedback,
checkpoints and links. Nothing is learned again. Tool counts are recomputed from the episodes copied (counts of
episodes pruned from the source are not carried over); vectors are embedded again in the target unless
--no-embed. Each namespace must be empty in --to, and its counts are checked against the source at the end.
Stop the agents writing to --from first.

Example:
  $ slmem migrate --from ~/.local/share/slmem/memory.db --to postgres://slmem:secret@db.internal:5432/slmem
  $ slmem migrate --from postgres://slmem@db.internal/slmem --to ./team-a.db --namespace team-a`,
    )
    .action(async (flags: MigrateFlags, command: Command) => {
      const started = performance.now();
      let phase: { namespace: string; progress: Progress } | undefined;
      const report = await migrateMemory({
        from: flags.from,
        to: flags.to,
        ...(named.length > 0 ? { namespaces: named } : {}),
        batchSize: flags.batch,
        onProgress: ({ namespace, done, total }) => {
          if (phase?.namespace !== namespace) {
            phase?.progress.finish();
            phase = { namespace, progress: createProgress(cli.stderr, `Copying ${namespace}`) };
          }
          phase.progress.update(done, total);
        },
      }).finally(() => phase?.progress.finish());
      const embedded: Array<EmbedReport & { namespace: string }> = [];
      if (flags.embed) {
        for (const { namespace } of report.namespaces) {
          const memory = await openMemory(command, cli, { db: flags.to, namespace });
          try {
            embedded.push({ namespace, ...(await embedStale(memory, cli)) });
          } finally {
            await memory.close();
          }
        }
      }
      const seconds = Math.round(performance.now() - started) / 1_000;
      output(command, cli, { ...report, embedded: flags.embed ? embedded : null, seconds }, (t) =>
        renderMigration(t, report, embedded, seconds),
      );
    });
}

function renderMigration(
  t: Terminal,
  report: { from: string; to: string; namespaces: MigratedNamespace[] },
  embedded: Array<EmbedReport & { namespace: string }>,
  seconds: number,
): void {
  if (report.namespaces.length === 0) {
    t.line(`${report.from} holds nothing; nothing to copy.`);
    return;
  }
  t.line(
    `Copied ${plural(report.namespaces.length, 'namespace')} from ${report.from} to ${report.to} in ${formatDuration(seconds * 1_000)}; counts verified:`,
  );
  for (const n of report.namespaces) {
    const held = [
      `${plural(n.episodes, 'episode')} (${n.completedEpisodes} completed, ${plural(n.steps, 'step')})`,
      plural(n.patterns, 'pattern'),
      plural(n.heuristics, 'heuristic'),
      `${n.feedback} feedback`,
      plural(n.checkpoints, 'checkpoint'),
      plural(n.links, 'link'),
    ];
    t.line(`  ${t.style.bold(n.namespace)}: ${held.join(', ')}`);
  }
  for (const e of embedded) {
    if (e.provider === null || e.episodes + e.patterns === 0) continue;
    const what = `${plural(e.episodes, 'episode')} and ${plural(e.patterns, 'pattern')}`;
    t.line(t.style.dim(`Embedded ${what} of ${e.namespace} with ${e.provider}`));
  }
}
