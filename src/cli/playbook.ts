import type { Command } from 'commander';
import { type Cli, output, withMemory } from './context.js';
import { integer } from './parse.js';
import { addQueryOptions, type QueryFlags, queryContext } from './query-options.js';
import { renderPlaybook } from './render.js';

interface PlaybookFlags extends QueryFlags {
  maxSteps: number;
}

export function registerPlaybookCommand(program: Command, cli: Cli): void {
  addQueryOptions(program.command('playbook'), 'experience')
    .description(
      'ordered steps, pitfalls and a confidence for a task, built from the best matching experience',
    )
    .option('--max-steps <n>', 'at most this many steps (1-50)', integer('--max-steps', 1, 50), 8)
    .addHelpText(
      'after',
      '\nExample:\n  $ slmem playbook --task "Customer wants to return a kettle and a wall clock" --domain retail',
    )
    .action(async (flags: PlaybookFlags, command: Command) => {
      const context = queryContext(flags);
      const playbook = await withMemory(command, cli, (memory) =>
        memory.playbook({ task: flags.task, context, maxSteps: flags.maxSteps }),
      );
      output(command, cli, playbook, (t) => renderPlaybook(t, playbook));
    });
}
