/** The closed set of error codes every face maps to its own vocabulary (HTTP status, MCP result, exit code). */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'LIMIT_EXCEEDED',
  'NOT_FOUND',
  'CONFLICT',
  'EPISODE_COMPLETED',
  'STORAGE_ERROR',
  'EMBEDDING_ERROR',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** How each face says an error code to the outside. */
export interface ErrorFaces {
  /** The HTTP status of the HTTP API and of MCP over HTTP. */
  http: number;
  /** The exit code of the CLI. */
  exit: number;
  /** The JSON-RPC error code of MCP, where a domain error is a protocol error (resources, prompts). */
  rpc: number;
  /** What the code means, in a few words: the CLI's help lists it. */
  meaning: string;
}

/**
 * The one mapping of error codes to every face: a client of the HTTP API, a script reading exit codes and an
 * MCP client hear the same story (a client's mistake is 4xx / -32602 / an exit code under 7, the server's
 * 5xx / -32603). A new code does not compile until it has a row here.
 */
export const ERROR_FACES: Readonly<Record<ErrorCode, ErrorFaces>> = {
  INTERNAL: {
    http: 500,
    exit: 1,
    rpc: -32603,
    meaning: 'a bug; please report it (SLMEM_DEBUG=1 prints the stack)',
  },
  INVALID_INPUT: { http: 400, exit: 2, rpc: -32602, meaning: 'a bad flag, value or usage' },
  LIMIT_EXCEEDED: {
    http: 422,
    exit: 3,
    rpc: -32602,
    meaning: 'input past a limit (task length, steps, params size)',
  },
  // -32002 is the code the MCP specification gives a missing resource.
  NOT_FOUND: { http: 404, exit: 4, rpc: -32002, meaning: 'no such episode, pattern or file' },
  CONFLICT: {
    http: 409,
    exit: 5,
    rpc: -32602,
    meaning: 'an episode with that id exists, or a duplicate or cyclic link',
  },
  EPISODE_COMPLETED: { http: 409, exit: 6, rpc: -32602, meaning: 'the episode is already completed' },
  STORAGE_ERROR: {
    http: 503,
    exit: 7,
    rpc: -32603,
    meaning: 'the database failed (locked, disk full, read-only, not a database)',
  },
  EMBEDDING_ERROR: {
    http: 502,
    exit: 9,
    rpc: -32603,
    meaning: 'the embedding model or API failed (see the message)',
  },
};

/**
 * The one error class of the library. `message` says what to fix; `details` carries structured context
 * (for example the offending field path).
 *
 * @example
 * try { await memory.logStep(id, step) } catch (e) { if (e instanceof MemoryError && e.code === 'NOT_FOUND') ... }
 */
export class MemoryError extends Error {
  override readonly name = 'MemoryError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function isMemoryError(value: unknown): value is MemoryError {
  return value instanceof MemoryError;
}

/** Wraps anything thrown into a MemoryError, keeping MemoryErrors as they are. */
export function toMemoryError(error: unknown, fallback: ErrorCode = 'INTERNAL'): MemoryError {
  if (error instanceof MemoryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MemoryError(fallback, message, { cause: error });
}
