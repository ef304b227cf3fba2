import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Context, Hono } from 'hono';
import { createMcpServer, mcpTools, SessionTable, type Tool } from '../mcp/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import type { AppEnv } from './context.js';
import { httpError } from './errors.js';

export const MCP_PATH = '/mcp';

/** A JSON-RPC error as MCP clients expect it before any session exists. */
function rpcError(c: Context, status: 400 | 404 | 429, code: number, message: string): Response {
  return c.json({ jsonrpc: '2.0', error: { code, message }, id: null }, status);
}

/** How long a client refused at its session cap is told to wait before it tries again. */
const RETRY_AFTER_SECONDS = 5;

/**
 * MCP over Streamable HTTP at `/mcp`, with stateful sessions: `initialize` opens one (an `Mcp-Session-Id` from
 * `randomUUID`), later requests carry its id, DELETE ends it. A session serves the memory its token granted and
 * belongs to that token's namespace, which holds `maxSessions` at most: a namespace at its cap replaces its own
 * least recently used idle session, and gets 429 when all of its sessions are busy; it never touches another
 * namespace's. Returns the session table, which the server closes on shutdown.
 */
export function mountMcp(
  app: Hono<AppEnv>,
  options: { maxSessions: number; idleTimeoutMs: number },
): SessionTable {
  const sessions = new SessionTable(options.maxSessions, options.idleTimeoutMs);
  // One tool set per memory (namespace), shared by its sessions: a session then costs its server, not schemas.
  const toolSets = new WeakMap<SelfLearningMemory, Tool[]>();
  const toolsOf = (memory: SelfLearningMemory): Tool[] => {
    let tools = toolSets.get(memory);
    if (!tools) {
      tools = mcpTools(memory);
      toolSets.set(memory, tools);
    }
    return tools;
  };

  app.all(MCP_PATH, async (c) => {
    const namespace = c.get('namespace');
    const body = c.req.method === 'POST' ? await readJson(c) : undefined;
    if (body instanceof Response) return body;
    const sessionId = c.req.header('mcp-session-id');
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) return rpcError(c, 404, -32001, 'session not found; initialize a new one');
      // A session belongs to the namespace its token opened it in; another namespace's token may not use it.
      if (session.owner !== namespace)
        return httpError(c, 403, 'FORBIDDEN', 'this session belongs to another token; initialize your own');
      // A POST is busy until its answer is sent (perhaps as an SSE stream). The GET stream a client keeps open
      // for notifications does not count: a client that was abandoned keeps it open too.
      const done = sessions.begin(sessionId, c.req.method === 'POST');
      try {
        const response = await session.transport.handleRequest(c.req.raw, { parsedBody: body });
        untilSent(c, done);
        return response;
      } catch (error) {
        done();
        throw error;
      }
    }
    if (c.req.method !== 'POST' || !isInitializeRequest(body))
      return rpcError(c, 400, -32000, 'no Mcp-Session-Id: send an initialize request first');
    const slot = await sessions.reserve(namespace);
    if (!slot) {
      c.header('retry-after', String(RETRY_AFTER_SECONDS));
      return rpcError(
        c,
        429,
        -32000,
        `this token has ${options.maxSessions} MCP sessions open, all busy; end one (DELETE /mcp) or retry in ${RETRY_AFTER_SECONDS} s`,
      );
    }
    try {
      const memory = c.get('memory');
      const server = createMcpServer(memory, toolsOf(memory));
      const transport: WebStandardStreamableHTTPServerTransport =
        new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (id) => slot.fill(id, { transport, server }),
        });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await server.connect(transport);
      return await transport.handleRequest(c.req.raw, { parsedBody: body });
    } finally {
      slot.release();
    }
  });
  return sessions;
}

/**
 * Calls `done` once the answer has left: when the Node response closes (an SSE stream ends with its last
 * message), or at once where there is no Node response (`app.request` in tests).
 */
function untilSent(c: Context<AppEnv>, done: () => void): void {
  const outgoing = c.env?.outgoing;
  if (outgoing && !outgoing.writableFinished) outgoing.once('close', done);
  else done();
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    return c.json(
      { jsonrpc: '2.0', error: { code: -32700, message: 'the request body is not JSON' }, id: null },
      400,
    );
  }
}
