import { z } from 'zod';
import { parseInput } from '../core/index.js';

/**
 * How long a client may take and how many connections one address may hold, so that slow or greedy clients
 * cannot keep the server's sockets (Node's own defaults let a request take 5 minutes). An API request's head is
 * one packet and its body at most 4 MiB, so seconds are plenty; none of the timeouts cuts a response that takes
 * long, such as MCP's SSE stream: Node stops timing a request once it has arrived whole.
 */
export interface ServerLimits {
  /** The request line and headers must arrive within this (default 10 s; no more than `requestTimeoutMs`). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (default 30 s: 4 MiB at ~140 KB/s). */
  requestTimeoutMs: number;
  /**
   * An idle kept-alive connection is closed after this (default 5 s): longer than the 4 s after which
   * Node's fetch (undici) stops reusing one, so a client does not send on a connection the server is closing.
   */
  keepAliveTimeoutMs: number;
  /**
   * Open connections one client address may hold (default 64); the next is answered 429 and closed. An MCP
   * client holds its SSE stream and one or two for calls, a browser six; on loopback all local clients share it.
   */
  maxClientConnections: number;
}

/** The defaults, here once for the library and the CLI's flags. */
export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxClientConnections: 64,
};

const LimitsSchema = z
  .object({
    headersTimeoutMs: z.number().int().min(1).default(DEFAULT_SERVER_LIMITS.headersTimeoutMs),
    requestTimeoutMs: z.number().int().min(1).default(DEFAULT_SERVER_LIMITS.requestTimeoutMs),
    keepAliveTimeoutMs: z.number().int().min(1).default(DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs),
    maxClientConnections: z.number().int().min(1).default(DEFAULT_SERVER_LIMITS.maxClientConnections),
  })
  .refine((limits) => limits.headersTimeoutMs <= limits.requestTimeoutMs, {
    message: 'headersTimeoutMs must not exceed requestTimeoutMs: the headers are part of the request',
    path: ['headersTimeoutMs'],
  });

/** The limits given, defaults filled; INVALID_INPUT naming the option for a bad one. */
export function serverLimits(options: Partial<ServerLimits>): ServerLimits {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxClientConnections } = options;
  return parseInput(
    LimitsSchema,
    { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxClientConnections },
    'HTTP server options',
  );
}
