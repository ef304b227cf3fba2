import { type Command, Option } from 'commander';
import {
  COMPLEXITIES,
  type Complexity,
  OUTCOME_STATUSES,
  type OutcomeInput,
  type OutcomeStatus,
  type StepResult,
  TASK_TYPES,
  type TaskType,
} from '../core/index.js';
import { type Cli, output, withMemory } from './context.js';
import { renderCompletion, renderEpisode, renderEpisodeList } from './episode-render.js';
import { choice, integer, isoDate, jsonObject, list, number } from './parse.js';

interface StartFlags {
  task: string;
  domain?: string;
  language?: string;
  framework?: string;
  complexity?: Complexity;
  tags?: string[];
  type?: TaskType;
}

interface StepFlags {
  tool: string;
  action: string;
  params?: Record<string, unknown>;
  output?: string;
  error?: string;
  timeout?: boolean;
  latencyMs?: number;
  tokens?: number;
}

interface ListFlags {
  domain?: string;
  type?: TaskType;
  outcome?: OutcomeStatus;
  tags?: string[];
  since?: string;
  until?: string;
  limit: number;
  offset: number;
}

export function registerEpisodeCommands(program: Command, cli: Cli): void {
  const episode = program
    .command('episode')
    .description('record what an agent does: start an episode, log its steps, complete it')
    .addHelpText(
      'after',
      `
Example:
  $ id=$(slmem episode start --task "Fix the failing login test" --domain web --language ts)
  $ slmem episode log-step $id --tool bash --action "npm test" --error "AssertionError: expired token"
  $ slmem episode log-step $id --tool edit --action "fix token expiry check" --params '{"file":"src/auth.ts"}'
  $ slmem episode log-step $id --tool bash --action "npm test" --output "42 passed"
  $ slmem episode complete $id --outcome success --verdict "tests pass"`,
    );

  episode
    .command('start')
    .description('start an episode and print its id')
    .requiredOption('--task <text>', 'what the agent is asked to do')
    .option('--domain <name>', 'area of work, e.g. web, retail (default: general)')
    .option('--language <name>', 'programming language, e.g. typescript')
    .option('--framework <name>', 'framework, e.g. react')
    .option(
      '--complexity <level>',
      `one of ${COMPLEXITIES.join(', ')} (default: moderate)`,
      choice('--complexity', COMPLEXITIES),
    )
    .option('--tags <a,b>', 'comma-separated tags', list)
    .option(
      '--type <type>',
      `task type: ${TASK_TYPES.join(', ')} (default: other)`,
      choice('--type', TASK_TYPES),
    )
    .action(async (flags: StartFlags, command: Command) => {
      const started = await withMemory(command, cli, (memory) =>
        memory.startEpisode({
          task: flags.task,
          ...(flags.type ? { taskType: flags.type } : {}),
          context: {
            ...(flags.domain ? { domain: flags.domain } : {}),
            ...(flags.language ? { language: flags.language } : {}),
            ...(flags.framework ? { framework: flags.framework } : {}),
            ...(flags.complexity ? { complexity: flags.complexity } : {}),
          },
          ...(flags.tags ? { tags: flags.tags } : {}),
        }),
      );
      output(command, cli, started, (t) => t.line(started.id));
    });

  episode
    .command('log-step')
    .description('record one step (a tool call) of an episode; it is stored before the command returns')
    .argument('<id>', 'episode id')
    .requiredOption('--tool <name>', 'the tool used, e.g. bash, edit, search')
    .requiredOption('--action <text>', 'what was done, e.g. "npm test"')
    .option('--params <json>', 'the tool arguments as a JSON object', jsonObject('--params'))
    .addOption(
      new Option('--output <text>', 'what the step produced (a success)').conflicts(['error', 'timeout']),
    )
    .addOption(new Option('--error <text>', 'the error the step ended with').conflicts(['timeout']))
    .addOption(new Option('--timeout', 'the step timed out'))
    .option('--latency-ms <n>', 'how long the step took, in milliseconds', number('--latency-ms'))
    .option('--tokens <n>', 'tokens the step used', integer('--tokens'))
    .addHelpText(
      'after',
      `
A step succeeded unless --error or --timeout is given.

Examples:
  $ slmem episode log-step $id --tool bash --action "npm test" --error "1 failing: expired token" --latency-ms 5400
  $ slmem episode log-step $id --tool edit --action "fix expiry check" --params '{"file":"src/auth.ts","line":42}'`,
    )
    .action(async (id: string, flags: StepFlags, command: Command) => {
      const result: StepResult =
        flags.error !== undefined
          ? { status: 'error', message: flags.error }
          : flags.timeout
            ? { status: 'timeout' }
            : { status: 'success', ...(flags.output === undefined ? {} : { output: flags.output }) };
      const step = await withMemory(command, cli, (memory) =>
        memory.logStep(id, {
          tool: flags.tool,
          action: flags.action,
          result,
          ...(flags.params ? { params: flags.params } : {}),
          ...(flags.latencyMs === undefined ? {} : { latencyMs: flags.latencyMs }),
          ...(flags.tokens === undefined ? {} : { tokens: flags.tokens }),
        }),
      );
      output(command, cli, step, (t) => {
        const status =
          step.result.status === 'success' ? t.style.green('success') : t.style.red(step.result.status);
        t.line(`Logged step ${step.seq}: ${step.tool} ${t.style.dim('·')} ${status}`);
      });
    });

  episode
    .command('complete')
    .description('finish an episode: score it, reflect on it and learn patterns and heuristics from it')
    .argument('<id>', 'episode id')
    .requiredOption(
      '--outcome <status>',
      `how it ended: ${OUTCOME_STATUSES.join(', ')}`,
      choice('--outcome', OUTCOME_STATUSES),
    )
    .option('--verdict <text>', 'why it counts as a success or partial success')
    .option('--reason <text>', 'why it failed or was abandoned')
    .addHelpText(
      'after',
      `
Prints the reward (total and its parts), the reflection and what was learned. --verdict and --reason are
both kept: each goes into whichever field the outcome has.

Example:
  $ slmem episode complete $id --outcome failure --reason "the API key was revoked"`,
    )
    .action(
      async (id: string, flags: { outcome: OutcomeStatus; verdict?: string; reason?: string }, command) => {
        const report = await withMemory(command, cli, (memory) =>
          memory.completeEpisode(id, toOutcome(flags)),
        );
        output(
          command,
          cli,
          { ...report.episode, patterns: report.patterns, heuristics: report.heuristics },
          (t) => renderCompletion(t, report),
        );
      },
    );

  episode
    .command('show')
    .description('show an episode with its steps, outcome, reward and reflection')
    .argument('<id>', 'episode id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const found = await withMemory(command, cli, (memory) => memory.getEpisode(id));
      output(command, cli, found, (t) => renderEpisode(t, found));
    });

  episode
    .command('list')
    .description('list episodes, newest first (steps are not shown; use "episode show")')
    .option('--domain <name>', 'only this domain')
    .option('--type <type>', `only this task type: ${TASK_TYPES.join(', ')}`, choice('--type', TASK_TYPES))
    .option(
      '--outcome <status>',
      `only this outcome: ${OUTCOME_STATUSES.join(', ')}`,
      choice('--outcome', OUTCOME_STATUSES),
    )
    .option('--tags <a,b>', 'only episodes carrying all these tags', list)
    .option('--since <date>', 'started at or after this ISO date', isoDate('--since'))
    .option('--until <date>', 'started at or before this ISO date', isoDate('--until'))
    .option('--limit <n>', 'at most this many (1-10000)', integer('--limit', 1, 10_000), 20)
    .option('--offset <n>', 'skip this many', integer('--offset'), 0)
    .addHelpText(
      'after',
      '\nExample:\n  $ slmem episode list --domain web --outcome failure --since 2026-01-01 --limit 50',
    )
    .action(async (flags: ListFlags, command: Command) => {
      const { type, ...filter } = flags;
      const episodes = await withMemory(command, cli, (memory) =>
        memory.listEpisodes({ ...filter, ...(type ? { taskType: type } : {}) }),
      );
      output(command, cli, episodes, (t) => renderEpisodeList(t, episodes));
    });

  episode
    .command('delete')
    .description('delete an episode and its steps (patterns learned from it stay)')
    .argument('<id>', 'episode id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      await withMemory(command, cli, (memory) => memory.deleteEpisode(id));
      output(command, cli, { deleted: id }, (t) => t.line(`Deleted episode ${id}`));
    });
}

/** `--verdict` and `--reason` each fill whichever field the outcome has, so neither is ever lost. */
function toOutcome(flags: { outcome: OutcomeStatus; verdict?: string; reason?: string }): OutcomeInput {
  const text = (first?: string, second?: string) =>
    [first, second].filter((s) => s !== undefined).join(' — ');
  switch (flags.outcome) {
    case 'success':
    case 'partial':
      return { status: flags.outcome, verdict: text(flags.verdict, flags.reason) };
    case 'failure':
    case 'abstained':
      return { status: flags.outcome, reason: text(flags.reason, flags.verdict) };
  }
}
