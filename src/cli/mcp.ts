import { once } from 'node:events';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { createMcpServer } from '../mcp/index.js';
import type { Cli } from './context.js';
import { withMemory } from './context.js';
import { integer } from './parse.js';
import {
  connectionOptions,
  type HttpFlags,
  readersOption,
  serveHttp,
  sessionOptions,
  stopSignal,
  tokenOption,
  tokensFileOption,
  warmInBackground,
} from './serving.js';

interface McpFlags extends HttpFlags {
  http?: boolean;
}

export function registerMcpCommand(program: Command, cli: Cli): void {
  const command = program
    .command('mcp')
    .description('serve the memory to agents over MCP: stdio (default) or Streamable HTTP with --http')
    .option('--http', 'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio')
    .option('--port <n>', 'HTTP port (0 picks a free one)', integer('--port', 0, 65_535), 3333)
    .option('--host <name>', 'HTTP address to bind; beyond loopback a token is required', '127.0.0.1')
    .addOption(tokenOption())
    .addOption(tokensFileOption())
    .addOption(readersOption());
  for (const option of [...sessionOptions(), ...connectionOptions()]) command.addOption(option);
  command
    .addHelpText(
      'after',
      `
On stdio, stdout carries only the protocol; logs go to stderr. The memory stays open until the client
disconnects or the process gets SIGINT/SIGTERM.

Examples:
  $ claude mcp add slmem -e SLMEM_DB=$HOME/.local/share/slmem/memory.db -- npx slmem mcp
  $ SLMEM_TOKEN=$(openssl rand -hex 32) slmem mcp --http --port 3333`,
    )
    .action(async (flags: McpFlags, command: Command) => {
      if (flags.http) return serveHttp(command, cli, flags, { api: false });
      await withMemory(command, cli, async (memory) => {
        const stopped = stopSignal();
        warmInBackground(memory, cli);
        // A library that prints with console.log would corrupt the protocol: on stdio, console goes to stderr.
        for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;
        const server = createMcpServer(memory);
        await server.connect(new StdioServerTransport());
        await Promise.race([stopped, once(process.stdin, 'end'), once(process.stdin, 'close')]);
        await server.close();
      });
    });
}
