import { CommanderError } from 'commander';
import {
  ERROR_CODES,
  ERROR_FACES,
  type ErrorCode,
  MemoryError,
  oneLine,
  redactUrl,
  toMemoryError,
} from '../core/index.js';
import type { Terminal } from './format.js';

/** The exit code of each error code (from the one mapping every face shares, `ERROR_FACES`). */
export const EXIT_CODES = Object.fromEntries(
  ERROR_CODES.map((code) => [code, ERROR_FACES[code].exit]),
) as Readonly<Record<ErrorCode, number>>;

/** `slmem import` stored some lines but not all. */
export const EXIT_PARTIAL_IMPORT = 8;

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  success',
  ...[
    ...ERROR_CODES.map((code) => ({
      exit: ERROR_FACES[code].exit,
      code,
      meaning: ERROR_FACES[code].meaning,
    })),
    { exit: EXIT_PARTIAL_IMPORT, code: '(import)', meaning: 'some lines failed, the others were imported' },
  ]
    .sort((a, b) => a.exit - b.exit)
    .map(({ exit, code, meaning }) => `  ${exit}  ${code.padEnd(17)}  ${meaning}`),
].join('\n');

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
  const line = oneLine(redactUrl(message));
  if (options.json) stderr.line(JSON.stringify({ error: { code, message: line } }));
  else stderr.line(`${stderr.style.red('slmem:')} ${stderr.style.bold(code)}: ${line}`);
  // A bug: the stack helps a report, but only when asked for, so the one-line contract holds.
  if (options.debug && memoryError.cause instanceof Error && memoryError.cause.stack)
    stderr.line(redactUrl(memoryError.cause.stack));
  return EXIT_CODES[code];
}

/** Commander's own usage errors (unknown option, missing argument) read like ours. */
function usageError(error: CommanderError): MemoryError {
  const message = error.message.replace(/^error:\s*/i, '');
  return new MemoryError('INVALID_INPUT', `${message} (see --help)`);
}
