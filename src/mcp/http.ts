import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { MemoryError } from '../core/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import { createMcpServer } from './server.js';
import { SessionTable } from './sessions.js';

export interface McpHttpOptions {
  /** Default 127.0.0.1; anything else needs a token. */
  host?: string;
  /** Default 3333; 0 picks a free port. */
  port?: number;
  /**
   * When set (16 characters at least), every request must carry `Authorization: Bearer <token>`; a client
   * with this token reads and writes the memory given to the server.
   */
  token?: string;
  /**
   * Tokens bound to namespaces (16 characters at least each): a client sending one reads and writes only that
   * namespace, through the memory `memoryFor` opens for it (once per namespace; the server closes those).
   * Every request must then carry `token` or one of these.
   */
  namespaceTokens?: ReadonlyArray<{ namespace: string; token: string }>;
  memoryFor?: (namespace: string) => Promise<SelfLearningMemory>;
  /**
   * Open sessions at most (default 100): each holds an MCP server in memory. At the cap, a new client takes
   * the place of the least recently used idle session.
   */
  maxSessions?: number;
  /** A session with no request for this long is closed (default 30 minutes): clients that never DELETE. */
  idleTimeoutMs?: number;
}

/** Short enough to guess: a token has at least this many characters (`openssl rand -hex 32` gives 64). */
export const MIN_TOKEN_LENGTH = 16;

export interface McpHttpServer {
  /** Where clients connect, e.g. `http://127.0.0.1:3333/mcp`. */
  url: string;
  close(): Promise<void>;
}

const PATH = '/mcp';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Refuses to serve the memory beyond this machine without a token, or with a short one (INVALID_INPUT). */
export function checkHttpExposure(options: { host: string; token?: string | undefined }): void {
  if (options.token && options.token.length < MIN_TOKEN_LENGTH) {
    throw new MemoryError(
      'INVALID_INPUT',
      `the token has ${options.token.length} characters; use ${MIN_TOKEN_LENGTH} at least, e.g. ` +
        'SLMEM_TOKEN=$(openssl rand -hex 32)',
    );
  }
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new MemoryError(
      'INVALID_INPUT',
      `listening on ${options.host} exposes the memory beyond this machine: set SLMEM_TOKEN or --token ` +
        '(clients then send "Authorization: Bearer <token>")',
    );
  }
}

/**
 * Serves the memory over Streamable HTTP at `/mcp`, with stateful sessions: `initialize` opens one (an
 * `Mcp-Session-Id` from `randomUUID`), later requests carry its id, DELETE ends it. The memory is shared by
 * every session and is not closed here.
 *
 * @example
 * const http = await startMcpHttpServer(memory, { port: 3333, token: process.env.SLMEM_TOKEN });
 * // ... on shutdown:
 * await http.close();
 */
export async function startMcpHttpServer(
  memory: SelfLearningMemory,
  options: McpHttpOptions = {},
): Promise<McpHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const { token } = options;
  const bound = options.namespaceTokens ?? [];
  if (bound.length > 0 && !options.memoryFor) {
    throw new MemoryError(
      'INVALID_INPUT',
      "namespaceTokens need memoryFor, which opens a namespace's memory",
    );
  }
  for (const entry of bound) checkHttpExposure({ host, token: entry.token });
  checkHttpExposure({ host, token: token ?? bound[0]?.token });
  const maxSessions = options.maxSessions ?? 100;
  const sessions = new SessionTable(maxSessions, options.idleTimeoutMs ?? 30 * 60_000);
  /** Who a token lets in: `null` is the server's own memory, a string a namespace. */
  const grants: Array<{ digest: Buffer; namespace: string | null }> = [
    ...(token ? [{ digest: digest(token), namespace: null }] : []),
    ...bound.map((b) => ({ digest: digest(b.token), namespace: b.namespace })),
  ];
  /** The namespace each session was opened for (absent: the server's own memory). */
  const sessionNamespace = new Map<string, string | null>();
  const opened = new Map<string, Promise<SelfLearningMemory>>();
  const memoryOf = (namespace: string | null): Promise<SelfLearningMemory> => {
    if (namespace === null || !options.memoryFor) return Promise.resolve(memory);
    let found = opened.get(namespace);
    if (!found) {
      found = options.memoryFor(namespace);
      opened.set(namespace, found);
      found.catch(() => opened.delete(namespace));
    }
    return found;
  };
  let port = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== PATH)
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `the MCP endpoint is ${PATH}` } });
    // A page in a browser may reach a loopback port under another name (DNS rebinding): only loopback names.
    if (isLoopbackHost(host) && !isLoopbackHost(hostnameOf(req.headers.host)))
      return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'unexpected Host header' } });
    // A page on another site may still post to a loopback port (the Host is then right): only this server's
    // own origins, or none (not a browser), on loopback.
    if (isLoopbackHost(host) && !allowedOrigin(req.headers.origin, port))
      return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'unexpected Origin header' } });
    const grant = grants.length === 0 ? { namespace: null } : authorize(req.headers.authorization, grants);
    if (!grant) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendJson(res, 401, {
        error: {
          code: 'UNAUTHORIZED',
          message: 'send "Authorization: Bearer <token>" with the server token',
        },
      });
    }
    const body = req.method === 'POST' ? await readJson(req, res) : undefined;
    if (body === INVALID) return;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return sendRpcError(res, 404, -32001, 'session not found; initialize a new one');
      // A session belongs to the namespace its token opened it in; another namespace's token may not use it.
      if ((sessionNamespace.get(sessionId) ?? null) !== grant.namespace)
        return sendJson(res, 403, {
          error: { code: 'FORBIDDEN', message: 'this session belongs to another token; initialize your own' },
        });
      // A POST is busy until its answer is sent (perhaps as an SSE stream). The GET stream a client keeps open
      // for notifications does not count: a client that was abandoned keeps it open too.
      const done = sessions.begin(sessionId, req.method === 'POST');
      res.once('close', done);
      try {
        return await session.transport.handleRequest(req, res, body);
      } catch (error) {
        done();
        throw error;
      }
    }
    if (req.method !== 'POST' || !isInitializeRequest(body))
      return sendRpcError(res, 400, -32000, 'no Mcp-Session-Id: send an initialize request first');
    if (!(await sessions.makeRoom()))
      return sendRpcError(res, 503, -32000, `${maxSessions} sessions are busy; retry when one ends`);
    const server = createMcpServer(await memoryOf(grant.namespace));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.add(id, { transport, server });
        sessionNamespace.set(id, grant.namespace);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) {
        sessions.delete(transport.sessionId);
        sessionNamespace.delete(transport.sessionId);
      }
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        sendJson(res, 500, { error: { code: 'INTERNAL', message } });
      } else res.end();
    });
  });
  await new Promise<void>((done, fail) => {
    http.once('error', fail);
    http.listen(options.port ?? 3333, host, () => {
      http.off('error', fail);
      done();
    });
  });
  ({ port } = http.address() as AddressInfo);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}${PATH}`,
    async close() {
      await sessions.close();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
      const memories = await Promise.allSettled(opened.values());
      for (const m of memories) if (m.status === 'fulfilled') await m.value.close();
    },
  };
}

/** Hashing first gives both sides the same length, which `timingSafeEqual` needs, without leaking it. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The grant whose token the header carries, or undefined; every grant is compared, in constant time each. */
function authorize<G extends { digest: Buffer }>(
  header: string | undefined,
  grants: readonly G[],
): G | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  const sent = digest(match?.[1]?.trim() ?? '');
  let found: G | undefined;
  for (const grant of grants) if (timingSafeEqual(sent, grant.digest) && match !== null) found ??= grant;
  return found;
}

/** Absent (not a browser), or http(s) on a loopback name and this server's port. */
function allowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) &&
    Number(url.port || defaultPort) === port
  );
}

function hostnameOf(header: string | undefined): string {
  if (!header) return '';
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] ?? '');
}

const INVALID = Symbol('invalid body');

async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      sendRpcError(res, 413, -32600, `the request body is over ${MAX_BODY_BYTES} bytes`);
      return INVALID;
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    sendRpcError(res, 400, -32700, 'the request body is not JSON');
    return INVALID;
  }
}

function sendRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
