import type { Command } from 'commander';
import { checkHttpExposure, startHttpServer } from '../http/index.js';
import type { Cli } from './context.js';
import { openMemory, withMemory } from './context.js';
import { readTokensFile, sessionIdleOption, stopSignal, tokenOption, tokensFileOption } from './mcp.js';
import { integer } from './parse.js';

interface ServeFlags {
  port: number;
  host: string;
  token?: string;
  tokensFile?: string;
  sessionIdle: number;
}

export function registerServeCommand(program: Command, cli: Cli): void {
  program
    .command('serve')
    .description('serve the memory over HTTP: a web page to browse it, a REST API, and MCP at /mcp')
    .option('--port <n>', 'HTTP port (0 picks a free one)', integer('--port', 0, 65_535), 7077)
    .option('--host <name>', 'address to bind; beyond loopback a token is required', '127.0.0.1')
    .addOption(tokenOption())
    .addOption(tokensFileOption())
    .addOption(sessionIdleOption())
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
    .action(async (flags: ServeFlags, command: Command) => {
      const namespaceTokens = flags.tokensFile ? readTokensFile(flags.tokensFile) : [];
      // Before the memory is opened: a refusal should cost nothing.
      checkHttpExposure({ host: flags.host, token: flags.token ?? namespaceTokens[0]?.token });
      await withMemory(command, cli, async (memory) => {
        const stopped = stopSignal();
        memory.warm().catch((error: unknown) => {
          cli.stderr.line(
            `slmem: loading the vector index failed: ${error instanceof Error ? error.message : error}`,
          );
        });
        const http = await startHttpServer(memory, {
          host: flags.host,
          port: flags.port,
          idleTimeoutMs: flags.sessionIdle * 60_000,
          ...(flags.token ? { token: flags.token } : {}),
          namespaceTokens,
          memoryFor: (namespace) => openMemory(command, cli, { namespace }),
        });
        const guarded = flags.token || namespaceTokens.length > 0;
        cli.stderr.line(
          `slmem: serving ${memory.backend} memory "${memory.namespace}" at ${http.url} ` +
            `(page, /api, MCP at ${http.mcpUrl})${guarded ? ', bearer token required' : ''}`,
        );
        await stopped;
        await http.close();
      });
    });
}
