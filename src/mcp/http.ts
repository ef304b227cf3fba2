import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { MemoryError } from '../core/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import { createMcpServer } from './server.js';

export interface McpHttpOptions {
  /** Default 127.0.0.1; anything else needs a token. */
  host?: string;
  /** Default 3333; 0 picks a free port. */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Open sessions at most (default 100): each holds an MCP server in memory until the client ends it. */
  maxSessions?: number;
}

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

/** Refuses to serve the memory beyond this machine without a token (INVALID_INPUT). */
export function checkHttpExposure(options: { host: string; token?: string | undefined }): void {
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
  checkHttpExposure({ host, token });
  const maxSessions = options.maxSessions ?? 100;
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  const expected = token ? digest(token) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== PATH)
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `the MCP endpoint is ${PATH}` } });
    // A page in a browser may reach a loopback port under another name (DNS rebinding): only loopback names.
    if (isLoopbackHost(host) && !isLoopbackHost(hostnameOf(req.headers.host)))
      return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'unexpected Host header' } });
    if (expected && !authorized(req.headers.authorization, expected)) {
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
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body))
      return sendRpcError(res, 400, -32000, 'no Mcp-Session-Id: send an initialize request first');
    if (sessions.size >= maxSessions)
      return sendRpcError(res, 503, -32000, `${maxSessions} sessions are open; end one (DELETE) and retry`);
    const server = createMcpServer(memory);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
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
  const { port } = http.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}${PATH}`,
    async close() {
      await Promise.allSettled([...sessions.values()].map(({ server }) => server.close()));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}

/** Hashing first gives both sides the same length, which `timingSafeEqual` needs, without leaking it. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return timingSafeEqual(digest(match?.[1]?.trim() ?? ''), expected) && match !== null;
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
