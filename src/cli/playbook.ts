import type { Command } from 'commander';
import { type Cli, output, withMemory } from './context.js';
import { integer, list } from './parse.js';
import { renderPlaybook } from './render.js';

interface PlaybookFlags {
  task: string;
  domain?: string;
  language?: string;
  framework?: string;
  tags?: string[];
  maxSteps: number;
}

export function registerPlaybookCommand(program: Command, cli: Cli): void {
  program
    .command('playbook')
    .description(
      'ordered steps, pitfalls and a confidence for a task, built from the best matching experience',
    )
    .requiredOption('--task <text>', 'the new task')
    .option('--domain <name>', 'prefer experience from this domain')
    .option('--language <name>', 'prefer experience in this language')
    .option('--framework <name>', 'prefer experience with this framework')
    .option('--tags <a,b>', 'prefer experience with these tags', list)
    .option('--max-steps <n>', 'at most this many steps (1-50)', integer('--max-steps', 1, 50), 8)
    .addHelpText(
      'after',
      '\nExample:\n  $ slmem playbook --task "Customer wants to return a kettle and a wall clock" --domain retail',
    )
    .action(async (flags: PlaybookFlags, command: Command) => {
      const context = {
        ...(flags.domain ? { domain: flags.domain } : {}),
        ...(flags.language ? { language: flags.language } : {}),
        ...(flags.framework ? { framework: flags.framework } : {}),
        ...(flags.tags ? { tags: flags.tags } : {}),
      };
      const playbook = await withMemory(command, cli, (memory) =>
        memory.playbook({ task: flags.task, context, maxSteps: flags.maxSteps }),
      );
      output(command, cli, playbook, (t) => renderPlaybook(t, playbook));
    });
}
