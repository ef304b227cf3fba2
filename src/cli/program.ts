import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../core/index.js';
import { EMBEDDING_PROVIDERS } from '../embeddings/index.js';
// The default is declared once, beside the providers; the embeddings index does not export it.
import { DEFAULT_EMBEDDINGS_PROVIDER } from '../embeddings/resolve.js';
import { registerBackupCommands } from './backup.js';
import { registerCollaborationCommands } from './collaboration.js';
import { type Cli, type CliStreams, createCli } from './context.js';
import { registerDemoCommand } from './demo.js';
import { registerEpisodeCommands } from './episode.js';
import { EXIT_CODES_HELP, reportError } from './errors.js';
import { registerHeuristicCommands } from './heuristic.js';
import { registerImportExportCommands } from './import-export.js';
import { registerMcpCommand } from './mcp.js';
import { registerMigrateCommand } from './migrate.js';
import { registerPatternCommands } from './pattern.js';
import { registerPlaybookCommand } from './playbook.js';
import { registerPruneCommand } from './prune.js';
import { registerReindexCommand } from './reindex.js';
import { registerRetrieveCommand } from './retrieve.js';
import { registerServeCommand } from './serve.js';
import { registerStatsCommand } from './stats.js';
import { registerTuneCommand } from './tune.js';

/** The whole command tree; settings given here before `.command()` are inherited by every subcommand. */
export function createProgram(cli: Cli): Command {
  const program = new Command('slmem')
    .description('A memory that lets AI agents learn from their own past work.')
    .version(VERSION, '-V, --version')
    .addOption(
      new Option(
        '--db <path-or-url>',
        'the database: a file (default $XDG_DATA_HOME/slmem/memory.db, ~/.local/share/slmem/memory.db) or a ' +
          'postgres://user:pass@host:5432/db URL shared by many agents',
      ).env('SLMEM_DB'),
    )
    .addOption(
      new Option(
        '--namespace <name>',
        'the namespace to read and write (default "default"); memories of two namespaces never mix',
      ).env('SLMEM_NAMESPACE'),
    )
    .addOption(
      new Option(
        '--embeddings <provider>',
        'how texts become vectors: hash (feature hashing, fast), use (local Universal Sentence Encoder, ' +
          '~55 ms a query, in a worker thread), openai, transformers; settings from SLMEM_EMBEDDINGS_MODEL, _URL, _KEY_ENV, _DIMENSIONS, _WORKERS',
      )
        .choices([...EMBEDDING_PROVIDERS])
        .default(DEFAULT_EMBEDDINGS_PROVIDER)
        .env('SLMEM_EMBEDDINGS'),
    )
    .addOption(
      new Option('--vector-index <kind>', 'exact (default) or ann: a DiskANN index for large memories')
        .choices(['exact', 'ann'])
        .env('SLMEM_VECTOR_INDEX'),
    )
    .option('--json', 'print results as JSON on stdout (errors as JSON on stderr)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.stdout.write(text),
      writeErr: (text) => cli.stderr.write(text),
      // Usage errors are reported by `run`, in the same one-line form as every other error.
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `
Examples:
  $ slmem demo                                       see it learn from 500 retail episodes
  $ id=$(slmem episode start --task "Fix the login test" --domain web)
  $ slmem episode log-step $id --tool bash --action "npm test" --error "AssertionError"
  $ slmem episode complete $id --outcome success --verdict "tests pass"
  $ slmem retrieve --task "Login test fails after upgrade" --domain web
  $ slmem playbook --task "Login test fails after upgrade" --json

Output: results on stdout, progress and errors on stderr (one line: "slmem: CODE: message").

${EXIT_CODES_HELP}`,
    );

  registerEpisodeCommands(program, cli);
  registerCollaborationCommands(program, cli);
  registerRetrieveCommand(program, cli);
  registerPlaybookCommand(program, cli);
  registerPatternCommands(program, cli);
  registerHeuristicCommands(program, cli);
  registerStatsCommand(program, cli);
  registerReindexCommand(program, cli);
  registerTuneCommand(program, cli);
  registerImportExportCommands(program, cli);
  registerBackupCommands(program, cli);
  registerPruneCommand(program, cli);
  registerMigrateCommand(program, cli);
  registerDemoCommand(program, cli);
  registerMcpCommand(program, cli);
  registerServeCommand(program, cli);
  return program;
}

/** Runs the CLI on `argv` (as `process.argv`) and returns the exit code. */
export async function run(argv: string[], streams: CliStreams): Promise<number> {
  const cli = createCli(streams);
  const program = createProgram(cli);
  try {
    await program.parseAsync(argv);
    return cli.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // A group called without a subcommand: commander has printed its help.
      if (error.code === 'commander.help') return 2;
    }
    return reportError(error, cli.stderr, { json: wantsJson(argv), debug: Boolean(cli.env.SLMEM_DEBUG) });
  }
}

/** Whether `--json` was given, read from argv because parsing may have failed before it was seen. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
