import { type Command, Option } from 'commander';
import { LINK_TYPES, type LinkType, MemoryError } from '../core/index.js';
import { checkpointLine, renderFeedback, renderHandoff, renderLinks } from './collaboration-render.js';
import { type Cli, output, withMemory } from './context.js';
import { choice, list } from './parse.js';

interface FeedbackFlags {
  patterns: string[];
  steps?: string[];
  success?: boolean;
  failure?: boolean;
  episode?: string;
  note?: string;
}

/** A number from 0 to 1, e.g. `--progress 0.5`. */
function ratio(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      throw new MemoryError('INVALID_INPUT', `${flag} must be a number from 0 to 1, got "${value}"`);
    }
    return n;
  };
}

const linkType = choice('--type', LINK_TYPES);
const typeOption = () =>
  new Option('--type <type>', `one of ${LINK_TYPES.join(', ')}`).argParser(linkType).makeOptionMandatory();

/**
 * `feedback`, `tag`, `link`, and `checkpoint`, `handoff`, `resume` under `episode` (which must be registered
 * first).
 */
export function registerCollaborationCommands(program: Command, cli: Cli): void {
  registerFeedbackCommand(program, cli);
  registerEpisodeHandoffCommands(program, cli);
  registerTagCommands(program, cli);
  registerLinkCommands(program, cli);
}

function registerFeedbackCommand(program: Command, cli: Cli): void {
  program
    .command('feedback')
    .description('report which recommended patterns you applied and whether the task then succeeded')
    .requiredOption('--patterns <id1,id2>', 'ids of the patterns applied (from retrieve or playbook)', list)
    .option('--steps <tool1,tool2>', 'playbook steps followed, by tool (kept as a note)', list)
    .addOption(new Option('--success', 'the task succeeded').conflicts('failure'))
    .addOption(new Option('--failure', 'the task failed'))
    .option('--episode <id>', 'the episode the patterns were applied in')
    .option('--note <text>', 'anything worth keeping with the feedback')
    .addHelpText(
      'after',
      '\nExample:\n  $ slmem feedback --patterns pat_1a2b,pat_3c4d --success --episode $id',
    )
    .action(async (flags: FeedbackFlags, command: Command) => {
      if (flags.success === undefined && flags.failure === undefined) {
        throw new MemoryError('INVALID_INPUT', 'give --success or --failure');
      }
      const success = flags.success === true;
      const result = await withMemory(command, cli, (memory) =>
        memory.recordFeedback({
          patternIds: flags.patterns,
          ...(flags.steps ? { playbookSteps: flags.steps.map((tool) => ({ tool })) } : {}),
          success,
          ...(flags.episode === undefined ? {} : { episodeId: flags.episode }),
          ...(flags.note === undefined ? {} : { note: flags.note }),
        }),
      );
      output(command, cli, result, (t) => renderFeedback(t, result.patterns, success));
    });
}

function registerEpisodeHandoffCommands(program: Command, cli: Cli): void {
  const episode = program.commands.find((c) => c.name() === 'episode');
  if (!episode) throw new Error('register the episode commands before the collaboration commands');

  episode
    .command('checkpoint')
    .description('leave a note on an episode in progress, for yourself or the next agent')
    .argument('<id>', 'episode id')
    .requiredOption('--note <text>', 'where things stand')
    .option('--progress <0..1>', 'how far along, from 0 to 1', ratio('--progress'))
    .action(async (id: string, flags: { note: string; progress?: number }, command: Command) => {
      const checkpoint = await withMemory(command, cli, (memory) =>
        memory.checkpointEpisode(id, {
          note: flags.note,
          ...(flags.progress === undefined ? {} : { progress: flags.progress }),
        }),
      );
      output(command, cli, checkpoint, (t) => t.line(`Checkpoint ${checkpointLine(t, checkpoint)}`));
    });

  episode
    .command('handoff')
    .description('what another agent needs to take over: status, what worked, what failed, next steps')
    .argument('<id>', 'episode id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const handoff = await withMemory(command, cli, (memory) => memory.getHandoff(id));
      output(command, cli, handoff, (t) => renderHandoff(t, handoff));
    });

  episode
    .command('resume')
    .description(
      'take over an episode: one in progress continues, a completed one starts a follow-up; prints the id to use',
    )
    .argument('<id>', 'episode id')
    .option('--agent <name>', 'who takes over')
    .addHelpText('after', '\nExample:\n  $ next=$(slmem episode resume $id --agent reviewer | head -n 1)')
    .action(async (id: string, flags: { agent?: string }, command: Command) => {
      const result = await withMemory(command, cli, (memory) =>
        memory.resumeFromHandoff(id, flags.agent === undefined ? {} : { agent: flags.agent }),
      );
      output(command, cli, result, (t) => {
        t.line(result.episode.id);
        t.line(
          t.style.dim(
            result.resumed === 'same'
              ? 'continuing the episode in progress'
              : `a new episode that follows ${id}`,
          ),
        );
        t.line();
        renderHandoff(t, result.handoff);
      });
    });
}

function registerTagCommands(program: Command, cli: Cli): void {
  const tag = program.command('tag').description("add or remove an episode's tags");
  for (const change of ['add', 'remove'] as const) {
    tag
      .command(change)
      .description(`${change} comma-separated tags ${change === 'add' ? 'to' : 'from'} an episode`)
      .argument('<id>', 'episode id')
      .argument('<tags>', 'comma-separated tags, e.g. auth,flaky', list)
      .action(async (id: string, tags: string[], _flags: unknown, command: Command) => {
        const episode = await withMemory(command, cli, (memory) =>
          change === 'add' ? memory.addTags(id, tags) : memory.removeTags(id, tags),
        );
        output(command, cli, episode, (t) =>
          t.line(
            `${episode.id} tags: ${episode.tags.length > 0 ? episode.tags.join(', ') : t.style.dim('none')}`,
          ),
        );
      });
  }
}

function registerLinkCommands(program: Command, cli: Cli): void {
  const link = program
    .command('link')
    .description(
      'relate episodes: parent_child, depends_on, follows, related_to, blocks, duplicates, references',
    )
    .addHelpText('after', '\nExample:\n  $ slmem link add $fix $bug --type follows --note "same root cause"');

  link
    .command('add')
    .description('link FROM to TO: "FROM <type> TO", e.g. B follows A')
    .argument('<from>', 'episode id')
    .argument('<to>', 'episode id')
    .addOption(typeOption())
    .option('--note <text>', 'why they are related')
    .action(async (from: string, to: string, flags: { type: LinkType; note?: string }, command: Command) => {
      const created = await withMemory(command, cli, (memory) =>
        memory.linkEpisodes({ from, to, type: flags.type, ...(flags.note ? { note: flags.note } : {}) }),
      );
      output(command, cli, created, (t) => t.line(`Linked ${from} ${created.type} ${to}`));
    });

  link
    .command('remove')
    .description('remove the link FROM <type> TO')
    .argument('<from>', 'episode id')
    .argument('<to>', 'episode id')
    .addOption(typeOption())
    .action(async (from: string, to: string, flags: { type: LinkType }, command: Command) => {
      await withMemory(command, cli, (memory) => memory.unlinkEpisodes({ from, to, type: flags.type }));
      output(command, cli, { removed: { from, to, type: flags.type } }, (t) =>
        t.line(`Removed ${from} ${flags.type} ${to}`),
      );
    });

  link
    .command('list')
    .description('links from and to an episode')
    .argument('<id>', 'episode id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const links = await withMemory(command, cli, (memory) => memory.listLinks(id));
      output(command, cli, links, (t) => renderLinks(t, id, links));
    });
}
