import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { checkNamespace, MemoryError, redactUrl } from '../core/index.js';
import { checkTokens, DEFAULT_SERVER_LIMITS, startHttpServer } from '../http/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import type { Cli } from './context.js';
import { openMemory } from './context.js';
import { integer } from './parse.js';

/** What `slmem serve` and `slmem mcp --http` share: their HTTP flags, the token files, the server's life. */

export interface HttpFlags {
  port: number;
  host: string;
  token?: string;
  tokensFile?: string;
  sessionIdle: number;
  maxSessions: number;
  readers: number;
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxClientConnections: number;
}

/**
 * Opens the memory, serves it over HTTP until SIGINT/SIGTERM, then closes both. `api: false` serves MCP alone
 * (`slmem mcp --http`); the token rules are checked before the memory is opened, so a refusal costs nothing.
 */
export async function serveHttp(
  command: Command,
  cli: Cli,
  flags: HttpFlags,
  options: { api: boolean },
): Promise<void> {
  const namespaceTokens = flags.tokensFile ? readTokensFile(flags.tokensFile) : [];
  checkTokens({ host: flags.host, token: flags.token, namespaceTokens });
  if (flags.headersTimeout > flags.requestTimeout)
    throw new MemoryError(
      'INVALID_INPUT',
      `--headers-timeout (${flags.headersTimeout} s) must not exceed --request-timeout (${flags.requestTimeout} s): ` +
        'the headers are part of the request',
    );
  const memory = await openMemory(command, cli, { readers: flags.readers });
  try {
    const stopped = stopSignal();
    warmInBackground(memory, cli);
    const http = await startHttpServer(memory, {
      host: flags.host,
      port: flags.port,
      idleTimeoutMs: flags.sessionIdle * 60_000,
      maxSessions: flags.maxSessions,
      headersTimeoutMs: flags.headersTimeout * 1000,
      requestTimeoutMs: flags.requestTimeout * 1000,
      keepAliveTimeoutMs: flags.keepAliveTimeout * 1000,
      maxClientConnections: flags.maxClientConnections,
      log: (message) => cli.stderr.line(message),
      ...(flags.token ? { token: flags.token } : {}),
      namespaceTokens,
      memoryFor: (namespace) => openMemory(command, cli, { namespace, readers: flags.readers }),
      api: options.api,
    });
    const guarded = flags.token || namespaceTokens.length > 0 ? ' (bearer token required)' : '';
    cli.stderr.line(
      options.api
        ? `slmem: serving the ${memory.backend} memory "${memory.namespace}" at ${http.url} ` +
            `(web page; REST API under /api; MCP at ${http.mcpUrl})${guarded}`
        : `slmem: MCP over Streamable HTTP at ${http.mcpUrl}${guarded}`,
    );
    await stopped;
    await http.close();
  } finally {
    await memory.close();
  }
}

/**
 * A server lives long: load the vector search index now, a chunk per event-loop turn, so that the first searches
 * do not run the exact scan (a few seconds at 100k episodes; calls go on meanwhile).
 */
export function warmInBackground(memory: SelfLearningMemory, cli: Cli): void {
  memory.warm().catch((error: unknown) => {
    cli.stderr.line(
      `slmem: loading the vector index failed: ${redactUrl(error instanceof Error ? error.message : String(error))}`,
    );
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

/** How long an idle MCP session lives, and how many one token's namespace may hold. */
export function sessionOptions(): Option[] {
  return [
    new Option('--session-idle <minutes>', 'MCP sessions with no request for this long are closed')
      .argParser(integer('--session-idle', 1, 24 * 60))
      .default(30),
    new Option(
      '--max-sessions <n>',
      "MCP sessions one token's namespace may hold; at the cap a new one replaces its least recently used idle one",
    )
      .argParser(integer('--max-sessions', 1, 100_000))
      .default(100),
  ];
}

/** Worker threads for the calls that rank, so that they never hold up cheap ones (0: the serving thread). */
export function readersOption(): Option {
  return new Option(
    '--readers <n>',
    'worker threads that answer retrieve and playbook, each with its own connection (0: the serving thread)',
  )
    .argParser(integer('--readers', 0, 64))
    .default(1);
}

/**
 * How long a client may take and how many connections one address may hold: a client that sends its request
 * slowly, or keeps many connections, cannot hold the server's sockets.
 */
export function connectionOptions(): Option[] {
  const limits = DEFAULT_SERVER_LIMITS;
  const seconds = (flag: string, what: string, ms: number, max: number) =>
    new Option(`${flag} <seconds>`, what).argParser(integer(flag, 1, max)).default(ms / 1000);
  return [
    seconds('--headers-timeout', "a request's headers must arrive within this", limits.headersTimeoutMs, 600),
    seconds('--request-timeout', 'the whole request must arrive within this', limits.requestTimeoutMs, 3600),
    seconds(
      '--keep-alive-timeout',
      'an idle kept-alive connection closes after this',
      limits.keepAliveTimeoutMs,
      600,
    ),
    new Option('--max-client-connections <n>', 'open connections one client address may hold; more get 429')
      .argParser(integer('--max-client-connections', 1, 65_535))
      .default(limits.maxClientConnections),
  ];
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
