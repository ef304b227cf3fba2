import { CommanderError } from 'commander';
import { type ErrorCode, MemoryError, toMemoryError } from '../core/index.js';
import type { Terminal } from './format.js';

/** The exit code of each error code: the one place the CLI maps errors to the outside. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  INTERNAL: 1,
  INVALID_INPUT: 2,
  LIMIT_EXCEEDED: 3,
  NOT_FOUND: 4,
  CONFLICT: 5,
  EPISODE_COMPLETED: 6,
  STORAGE_ERROR: 7,
  EMBEDDING_ERROR: 9,
};

/** `slmem import` stored some lines but not all. */
export const EXIT_PARTIAL_IMPORT = 8;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  INTERNAL           a bug; please report it (SLMEM_DEBUG=1 prints the stack)
  2  INVALID_INPUT      a bad flag, value or usage
  3  LIMIT_EXCEEDED     input past a limit (task length, steps, params size)
  4  NOT_FOUND          no such episode, pattern or file
  5  CONFLICT           an episode with that id exists, or a duplicate or cyclic link
  6  EPISODE_COMPLETED  the episode is already completed
  7  STORAGE_ERROR      the database failed (locked, disk full, read-only, not a database)
  8  (import)           some lines failed, the others were imported
  9  EMBEDDING_ERROR    the embedding model or API failed (see the message)`;

/**
 * Reports an error on stderr, one line, and returns the exit code. stdout stays clean so a pipe never
 * receives half a result: `slmem: NOT_FOUND: episode … does not exist`, or the JSON object with `--json`.
 */
export function reportError(
  error: unknown,
  stderr: Terminal,
  options: { json: boolean; debug: boolean },
): number {
  const memoryError = error instanceof CommanderError ? usageError(error) : toMemoryError(error);
  const { code, message } = memoryError;
  const line = message.replace(/\s*\n\s*/g, ' ').trim();
  if (options.json) stderr.line(JSON.stringify({ error: { code, message: line } }));
  else stderr.line(`${stderr.style.red('slmem:')} ${stderr.style.bold(code)}: ${line}`);
  // A bug: the stack helps a report, but only when asked for, so the one-line contract holds.
  if (options.debug && memoryError.cause instanceof Error && memoryError.cause.stack)
    stderr.line(memoryError.cause.stack);
  return EXIT_CODES[code];
}

/** Commander's own usage errors (unknown option, missing argument) read like ours. */
function usageError(error: CommanderError): MemoryError {
  const message = error.message.replace(/^error:\s*/i, '');
  return new MemoryError('INVALID_INPUT', `${message} (see --help)`);
}
