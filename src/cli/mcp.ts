import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { type Command, Option } from 'commander';
import { checkNamespace, MemoryError } from '../core/index.js';
import { checkHttpExposure, startMcpHttpServer } from '../http/index.js';
import { createMcpServer } from '../mcp/index.js';
import type { Cli } from './context.js';
import { openMemory, withMemory } from './context.js';
import { integer } from './parse.js';

interface McpFlags {
  http?: boolean;
  port: number;
  host: string;
  token?: string;
  tokensFile?: string;
  sessionIdle: number;
}

export function registerMcpCommand(program: Command, cli: Cli): void {
  program
    .command('mcp')
    .description('serve the memory to agents over MCP: stdio (default) or Streamable HTTP with --http')
    .option('--http', 'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio')
    .option('--port <n>', 'HTTP port (0 picks a free one)', integer('--port', 0, 65_535), 3333)
    .option('--host <name>', 'HTTP address to bind; beyond loopback a token is required', '127.0.0.1')
    .addOption(tokenOption())
    .addOption(tokensFileOption())
    .addOption(sessionIdleOption())
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
      const namespaceTokens = flags.tokensFile ? readTokensFile(flags.tokensFile) : [];
      // Before the memory is opened: a refusal should cost nothing.
      if (flags.http)
        checkHttpExposure({ host: flags.host, token: flags.token ?? namespaceTokens[0]?.token });
      await withMemory(command, cli, async (memory) => {
        const stopped = stopSignal();
        // A server lives long: load the vector search index now, a chunk per event-loop turn, so that the
        // first searches do not run the exact scan (a few seconds at 100k episodes, meanwhile calls go on).
        memory.warm().catch((error: unknown) => {
          cli.stderr.line(
            `slmem: loading the vector index failed: ${error instanceof Error ? error.message : error}`,
          );
        });
        if (flags.http) {
          const http = await startMcpHttpServer(memory, {
            host: flags.host,
            port: flags.port,
            idleTimeoutMs: flags.sessionIdle * 60_000,
            ...(flags.token ? { token: flags.token } : {}),
            namespaceTokens,
            memoryFor: (namespace) => openMemory(command, cli, { namespace }),
          });
          const guarded = flags.token || namespaceTokens.length > 0;
          cli.stderr.line(
            `slmem: MCP over Streamable HTTP at ${http.url}${guarded ? ' (bearer token required)' : ''}`,
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

/** The HTTP server's shared flags (`slmem mcp --http`, `slmem serve`). */
export function tokenOption(): Option {
  return new Option('--token <secret>', 'bearer token HTTP clients must send (16 characters at least)').env(
    'SLMEM_TOKEN',
  );
}

export function tokensFileOption(): Option {
  return new Option(
    '--tokens-file <path>',
    'tokens bound to namespaces, one "namespace token" pair a line: a client with one reads and writes only its namespace',
  ).env('SLMEM_TOKENS_FILE');
}

export function sessionIdleOption(): Option {
  return new Option('--session-idle <minutes>', 'MCP sessions with no request for this long are closed')
    .argParser(integer('--session-idle', 1, 24 * 60))
    .default(30);
}

/** Resolves on the first SIGINT or SIGTERM; the memory is closed after it, by `withMemory`. */
export function stopSignal(): Promise<void> {
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

/**
 * Reads `namespace token` pairs, one a line (blank lines and `#` comments skipped); INVALID_INPUT naming the
 * line for anything else, a bad namespace or a token used twice.
 */
export function readTokensFile(path: string): Array<{ namespace: string; token: string }> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MemoryError(
      'INVALID_INPUT',
      `cannot read the tokens file ${path} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  const pairs: Array<{ namespace: string; token: string }> = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    if (fields.length !== 2) {
      throw new MemoryError(
        'INVALID_INPUT',
        `${path}:${i + 1}: expected "namespace token", got ${fields.length} fields`,
      );
    }
    const [namespace, token] = fields as [string, string];
    checkNamespace(namespace, `${path}:${i + 1}: namespace`);
    if (seen.has(token))
      throw new MemoryError('INVALID_INPUT', `${path}:${i + 1}: this token is already bound to a namespace`);
    seen.add(token);
    pairs.push({ namespace, token });
  }
  return pairs;
}
