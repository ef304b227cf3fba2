import type { Command } from 'commander';
import type { Cli } from './context.js';
import { integer } from './parse.js';
import {
  connectionOptions,
  type HttpFlags,
  readersOption,
  serveHttp,
  sessionOptions,
  tokenOption,
  tokensFileOption,
} from './serving.js';

export function registerServeCommand(program: Command, cli: Cli): void {
  const command = program
    .command('serve')
    .description('serve the memory over HTTP: a web page to browse it, a REST API, and MCP at /mcp')
    .option('--port <n>', 'HTTP port (0 picks a free one)', integer('--port', 0, 65_535), 7077)
    .option('--host <name>', 'address to bind; beyond loopback a token is required', '127.0.0.1')
    .addOption(tokenOption())
    .addOption(tokensFileOption())
    .addOption(readersOption());
  for (const option of [...sessionOptions(), ...connectionOptions()]) command.addOption(option);
  command
    .addHelpText(
      'after',
      `
Open the printed address in a browser: episodes, patterns, heuristics, a task box that asks the memory for a
playbook, and whether the agents are getting better. The REST API is under /api (described at /openapi.json),
MCP clients connect to /mcp, Prometheus scrapes /metrics. Logs go to stderr; SIGINT/SIGTERM stop it.

Examples:
  $ slmem serve
  $ SLMEM_TOKEN=$(openssl rand -hex 32) slmem serve --host 0.0.0.0 --port 7077`,
    )
    .action((flags: HttpFlags, command: Command) => serveHttp(command, cli, flags, { api: true }));
}
