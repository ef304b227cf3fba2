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
