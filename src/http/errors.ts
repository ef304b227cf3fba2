import type { IncomingMessage } from 'node:http';
import { inspect } from 'node:util';
import type { Context } from 'hono';
import { z } from 'zod';
import { ERROR_CODES, ERROR_FACES, oneLine, redactUrl, toMemoryError } from '../core/index.js';

/** Codes only HTTP has: who may call (the memory's own codes cover what the call asks). */
export const HTTP_ONLY_CODES = ['UNAUTHORIZED', 'FORBIDDEN'] as const;

/** Every error body of the API: the code to branch on, a message that says what to fix. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum([...ERROR_CODES, ...HTTP_ONLY_CODES]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * The one place the HTTP face maps errors to the outside: the status from `ERROR_FACES` (shared with the CLI's
 * exit codes and MCP's error codes), the body `{ error: { code, message } }`. The message of a bug is kept out
 * of the body (it may carry SQL or paths) and logged on stderr instead.
 */
export function errorResponse(c: Context, error: unknown): Response {
  const { code, message, details } = toMemoryError(error);
  // Reading the body failed because the client went away: no bug, nobody to answer, and the server logs it
  // in one line (aborts.ts).
  if (code === 'INTERNAL' && clientLeft(c)) return c.body(null, 400);
  if (code === 'INTERNAL') {
    console.error(`slmem: ${c.req.method} ${c.req.path} failed:`, redactUrl(inspect(error)));
    return c.json({ error: { code, message: 'an internal error; the server log says more' } }, 500);
  }
  const body: ErrorBody = {
    error: { code, message: oneLine(redactUrl(message)), ...(details ? { details } : {}) },
  };
  return c.json(body, ERROR_FACES[code].http as 400);
}

/** An error of the HTTP face itself (no token, a foreign origin, a path with no route). */
export function httpError(
  c: Context,
  status: 401 | 403 | 404 | 413,
  code: ErrorBody['error']['code'],
  message: string,
): Response {
  if (status === 401) c.header('WWW-Authenticate', 'Bearer');
  return c.json({ error: { code, message } } satisfies ErrorBody, status);
}

/** The client's connection closed before its request arrived whole (never under `app.request`). */
function clientLeft(c: Context): boolean {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.destroyed === true && !incoming.complete;
}
