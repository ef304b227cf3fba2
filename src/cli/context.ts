import type { Command } from 'commander';
import { type EmbeddingsConfig, embeddingsConfigFromEnv } from '../embeddings/index.js';
import { defaultDbPath, SelfLearningMemory } from '../memory/index.js';
import { createTerminal, type Terminal } from './format.js';

/** What one run of the CLI talks to; built once in `run`, handed to every command. */
export interface Cli {
  readonly stdout: Terminal;
  readonly stderr: Terminal;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Set by a command that succeeded only in part (see `EXIT_PARTIAL_IMPORT`). */
  exitCode: number;
}

export interface CliStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export function createCli(streams: CliStreams): Cli {
  return {
    stdout: createTerminal(streams.stdout, streams.env),
    stderr: createTerminal(streams.stderr, streams.env),
    stdin: streams.stdin,
    env: streams.env,
    exitCode: 0,
  };
}

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  embeddings?: EmbeddingsConfig['provider'];
  vectorIndex?: 'exact' | 'ann';
  namespace?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** The database this run uses: `--db`, then `$SLMEM_DB`, then the XDG default. */
export function dbOf(command: Command, env: NodeJS.ProcessEnv): string {
  return globalOptions(command).db ?? defaultDbPath(env);
}

/** The embeddings this run uses: `--embeddings` (or `$SLMEM_EMBEDDINGS`), the rest from `SLMEM_EMBEDDINGS_*`. */
export function embeddingsOf(command: Command, env: NodeJS.ProcessEnv): EmbeddingsConfig {
  const fromEnv = embeddingsConfigFromEnv(env);
  const chosen = globalOptions(command).embeddings;
  return chosen ? { ...fromEnv, provider: chosen } : fromEnv;
}

/** Opens the memory this run names (`--db`, `--namespace`, `--embeddings`, `--vector-index`). */
export function openMemory(
  command: Command,
  cli: Cli,
  overrides: { db?: string; namespace?: string; readers?: number } = {},
): Promise<SelfLearningMemory> {
  const { vectorIndex, namespace } = globalOptions(command);
  const chosen = overrides.namespace ?? namespace;
  return SelfLearningMemory.open({
    db: overrides.db ?? dbOf(command, cli.env),
    embeddings: embeddingsOf(command, cli.env),
    ...(vectorIndex ? { sqlite: { vectorIndex } } : {}),
    ...(chosen !== undefined ? { namespace: chosen } : {}),
    ...(overrides.readers ? { readers: overrides.readers } : {}),
  });
}

/** Opens the memory, runs `body`, and closes the memory whatever happens. */
export async function withMemory<T>(
  command: Command,
  cli: Cli,
  body: (memory: SelfLearningMemory) => Promise<T>,
  db: string = dbOf(command, cli.env),
): Promise<T> {
  const memory = await openMemory(command, cli, { db });
  try {
    return await body(memory);
  } finally {
    await memory.close();
  }
}

/** Prints a result: JSON on stdout with `--json`, else the human rendering. */
export function output(command: Command, cli: Cli, value: unknown, human: (t: Terminal) => void): void {
  if (globalOptions(command).json) cli.stdout.line(JSON.stringify(value, null, 2));
  else human(cli.stdout);
}
