import { once } from 'node:events';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { type Command, Option } from 'commander';
import { checkHttpExposure, createMcpServer, startMcpHttpServer } from '../mcp/index.js';
import type { Cli } from './context.js';
import { withMemory } from './context.js';
import { integer } from './parse.js';

interface McpFlags {
  http?: boolean;
  port: number;
  host: string;
  token?: string;
  sessionIdle: number;
}

export function registerMcpCommand(program: Command, cli: Cli): void {
  program
    .command('mcp')
    .description('serve the memory to agents over MCP: stdio (default) or Streamable HTTP with --http')
    .option('--http', 'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio')
    .option('--port <n>', 'HTTP port (0 picks a free one)', integer('--port', 0, 65_535), 3333)
    .option('--host <name>', 'HTTP address to bind; beyond loopback a token is required', '127.0.0.1')
    .addOption(
      new Option('--token <secret>', 'bearer token HTTP clients must send (16 characters at least)').env(
        'SLMEM_TOKEN',
      ),
    )
    .option(
      '--session-idle <minutes>',
      'HTTP sessions with no request for this long are closed',
      integer('--session-idle', 1, 24 * 60),
      30,
    )
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
      // Before the memory is opened: a refusal should cost nothing.
      if (flags.http) checkHttpExposure({ host: flags.host, token: flags.token });
      await withMemory(command, cli, async (memory) => {
        const stopped = stopSignal();
        if (flags.http) {
          const http = await startMcpHttpServer(memory, {
            host: flags.host,
            port: flags.port,
            idleTimeoutMs: flags.sessionIdle * 60_000,
            ...(flags.token ? { token: flags.token } : {}),
          });
          cli.stderr.line(
            `slmem: MCP over Streamable HTTP at ${http.url}${flags.token ? ' (bearer token required)' : ''}`,
          );
          await stopped;
          await http.close();
          return;
        }
        // A library that prints with console.log would corrupt the protocol: on stdio, console goes to stderr.
        for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;
        const server = createMcpServer(memory);
        await server.connect(new StdioServerTransport());
        await Promise.race([stopped, once(process.stdin, 'end'), once(process.stdin, 'close')]);
        await server.close();
      });
    });
}

/** Resolves on the first SIGINT or SIGTERM; the memory is closed after it, by `withMemory`. */
function stopSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
