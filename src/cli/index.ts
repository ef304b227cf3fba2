export type { Cli, CliStreams } from './context.js';
export { EXIT_CODES, EXIT_PARTIAL_IMPORT } from './errors.js';
export { createProgram, run } from './program.js';
