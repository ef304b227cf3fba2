import type { Command } from 'commander';
import { SelfLearningMemory } from '../memory/index.js';
import type { SnapshotInfo } from '../storage/index.js';
import { type Cli, dbOf, output, withMemory } from './context.js';
import { plural, type Terminal } from './format.js';

export function registerBackupCommands(program: Command, cli: Cli): void {
  program
    .command('backup')
    .description('write a consistent snapshot of the whole database to a new file, while agents keep writing')
    .argument('<file>', 'the snapshot to write; must not exist')
    .addHelpText(
      'after',
      `
The snapshot holds everything: episodes in progress, steps, patterns, heuristics, feedback, checkpoints,
links, vectors and tool counts ("slmem export" writes completed episodes only). It is the store at one point
in time, checked with SQLite's integrity check before it is kept.

Example:
  $ slmem backup ~/backups/memory-$(date +%F).db
  $ slmem --db restored.db restore ~/backups/memory-2026-11-29.db`,
    )
    .action(async (file: string, _flags: unknown, command: Command) => {
      const info = await withMemory(command, cli, (memory) => memory.backup(file));
      output(command, cli, info, (t) => renderSnapshot(t, 'Backed up', info));
    });

  program
    .command('restore')
    .description('replace the database (--db) with a snapshot written by "slmem backup", after checking it')
    .argument('<file>', 'a snapshot written by "slmem backup"')
    .option('--force', 'replace a database that already holds episodes, patterns or heuristics')
    .addHelpText(
      'after',
      `
The snapshot must open and pass SQLite's integrity check. A database that holds anything is only replaced with
--force. Stop every agent and server using the database first.

Example:
  $ slmem --db memory.db restore --force ~/backups/memory-2026-11-29.db`,
    )
    .action(async (file: string, flags: { force?: boolean }, command: Command) => {
      const info = await SelfLearningMemory.restore(file, {
        db: dbOf(command, cli.env),
        force: flags.force === true,
      });
      output(command, cli, info, (t) => renderSnapshot(t, `Restored ${file} to`, info));
    });
}

function renderSnapshot(t: Terminal, verb: string, info: SnapshotInfo): void {
  const held = `${plural(info.episodes, 'episode')}, ${plural(info.patterns, 'pattern')}, ${plural(info.heuristics, 'heuristic')}`;
  t.line(`${verb} ${info.path}: ${held} (${Math.ceil(info.bytes / 1024)} KiB)`);
}
