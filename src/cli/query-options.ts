import type { Command } from 'commander';
import { list } from './parse.js';

/** The flags `retrieve` and `playbook` share: a task and the context to prefer. */
export interface QueryFlags {
  task: string;
  domain?: string;
  language?: string;
  framework?: string;
  tags?: string[];
}

/** Adds `--task` and the context flags; `noun` names what is preferred ("episodes", "experience"). */
export function addQueryOptions(command: Command, noun: string): Command {
  return command
    .requiredOption('--task <text>', 'the new task')
    .option('--domain <name>', `prefer ${noun} of this domain`)
    .option('--language <name>', `prefer ${noun} in this language`)
    .option('--framework <name>', `prefer ${noun} with this framework`)
    .option('--tags <a,b>', `prefer ${noun} with these tags`, list);
}

/** The query context the facade takes, with only the flags that were given. */
export function queryContext(flags: QueryFlags): {
  domain?: string;
  language?: string;
  framework?: string;
  tags?: string[];
} {
  return {
    ...(flags.domain ? { domain: flags.domain } : {}),
    ...(flags.language ? { language: flags.language } : {}),
    ...(flags.framework ? { framework: flags.framework } : {}),
    ...(flags.tags ? { tags: flags.tags } : {}),
  };
}
