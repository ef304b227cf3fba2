import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { MemoryError } from '../core/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import { logAbortedRequests } from './aborts.js';
import { createHttpApp, type HttpAppOptions } from './app.js';
import { capConnectionsPerClient } from './connection-cap.js';
import { checkTokens } from './guard.js';
import { type ServerLimits, serverLimits } from './limits.js';
import { MCP_PATH } from './mcp.js';

export interface HttpServerOptions extends Omit<HttpAppOptions, 'listening'>, Partial<ServerLimits> {
  /** Default 127.0.0.1; anything else needs a token. */
  host?: string;
  /** Default 7077 (`startMcpHttpServer`: 3333); 0 picks a free port. */
  port?: number;
  /** Where the server's one-line notices go (an aborted request, a client at its connection cap); default stderr. */
  log?: (message: string) => void;
}

/**
 * Node looks for requests past their timeout on an interval (30 s by default, which would let a slow client
 * keep its socket that much longer); each look walks only the requests still arriving.
 */
const TIMEOUT_CHECK_MS = 1_000;

export interface HttpServer {
  /** The server's root, e.g. `http://127.0.0.1:7077`: the page; the API under `/api`. */
  url: string;
  /** Where MCP clients connect, e.g. `http://127.0.0.1:7077/mcp`. */
  mcpUrl: string;
  close(): Promise<void>;
}

/**
 * Serves the memory over HTTP: the REST API, the web page and MCP at `/mcp`, one process and one open memory
 * for all of them. The memory is not closed here. Clients are held to `ServerLimits` (timeouts in seconds, a
 * cap on connections per address); a request cut short is one line on `log`.
 *
 * @example
 * const http = await startHttpServer(memory, { port: 7077, token: process.env.SLMEM_TOKEN });
 * // ... on shutdown:
 * await http.close();
 */
export async function startHttpServer(
  memory: SelfLearningMemory,
  options: HttpServerOptions = {},
): Promise<HttpServer> {
  const host = options.host ?? '127.0.0.1';
  checkTokens({ host, token: options.token, namespaceTokens: options.namespaceTokens ?? [] });
  const limits = serverLimits(options);
  const log = options.log ?? ((message: string) => console.error(message));
  let port = 0;
  const http = createHttpApp(memory, { ...options, listening: () => ({ host, port }) });
  const asked = options.port ?? 7077;
  const server = createAdaptorServer({
    fetch: http.app.fetch,
    hostname: host,
    serverOptions: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
  }) as Server;
  const dropRefused = capConnectionsPerClient(server, limits.maxClientConnections, log);
  logAbortedRequests(server, log);
  server.listen(asked, host);
  try {
    await new Promise<void>((done, fail) => {
      const failed = (error: NodeJS.ErrnoException) =>
        fail(
          error.code === 'EADDRINUSE'
            ? new MemoryError('INVALID_INPUT', `port ${asked} on ${host} is in use: pick another with --port`)
            : error,
        );
      server.once('error', failed);
      server.once('listening', () => {
        server.off('error', failed);
        done();
      });
    });
  } catch (error) {
    // Nothing listens: the app's sessions and timers go too.
    await http.close();
    throw error;
  }
  ({ port } = server.address() as AddressInfo);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    mcpUrl: `${url}${MCP_PATH}`,
    async close() {
      // Stop taking connections, end the open ones (SSE streams among them), and only then close the sessions
      // and the namespaces' memories: no request can reach a memory being closed.
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      dropRefused();
      await closed;
      await http.close();
    },
  };
}

export interface McpHttpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3333/mcp`. */
  url: string;
  close(): Promise<void>;
}

/**
 * MCP alone over Streamable HTTP (`slmem mcp --http`), default port 3333: `url` is the `/mcp` endpoint.
 *
 * @example
 * const mcp = await startMcpHttpServer(memory, { port: 3333, token: process.env.SLMEM_TOKEN });
 */
export async function startMcpHttpServer(
  memory: SelfLearningMemory,
  options: Omit<HttpServerOptions, 'api'> = {},
): Promise<McpHttpServer> {
  const server = await startHttpServer(memory, { ...options, port: options.port ?? 3333, api: false });
  return { url: server.mcpUrl, close: () => server.close() };
}
