import { parentPort, type Transferable } from 'node:worker_threads';
import { ERROR_CODES, type ErrorCode, MemoryError } from './errors.js';

/** A job posted to a pool worker; `id` pairs it with its reply. */
export interface WorkerRequest<P> {
  id: number;
  payload: P;
}

/** What a failed job sends back: a MemoryError without its prototype, rebuilt by the pool. */
export interface WorkerFailure {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** What the pool sends a worker to end it: the worker releases what it holds (`onClose`), then exits. */
export const CLOSE_MESSAGE = { close: true } as const;

/** A line a worker reports to the pool's `log` (it has no other way to reach the caller's logger). */
export interface WorkerLog {
  log: string;
}

export type WorkerReply<R> =
  | { id: number; ok: true; result: R }
  | { id: number; ok: false; error: WorkerFailure };

/** A job's result and the buffers to move (not copy) to the main thread with it. */
export interface WorkerResult<R> {
  result: R;
  transfer?: Transferable[];
}

/**
 * Worker side of the pool: answers each request with `handle`'s result, or with the error it threw
 * (a MemoryError keeps its code; anything else becomes `fallback`). Does nothing outside a worker thread,
 * so importing a worker module by mistake is harmless.
 */
export function serveRequests<P, R>(
  handle: (payload: P) => Promise<WorkerResult<R>>,
  fallback: ErrorCode,
  onClose?: () => Promise<void>,
): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', (request: WorkerRequest<P> | typeof CLOSE_MESSAGE) => {
    if ('close' in request) {
      void (onClose?.() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
      return;
    }
    handle(request.payload).then(
      ({ result, transfer }) => {
        const reply: WorkerReply<R> = { id: request.id, ok: true, result };
        try {
          port.postMessage(reply, transfer ?? []);
        } catch (error) {
          // A result that cannot cross threads fails its own job, not the worker and every job in flight on it.
          const failure = toFailure(
            new Error(`the result could not be sent back: ${String(error)}`),
            fallback,
          );
          port.postMessage({ id: request.id, ok: false, error: failure } satisfies WorkerReply<R>);
        }
      },
      (error: unknown) => {
        const reply: WorkerReply<R> = { id: request.id, ok: false, error: toFailure(error, fallback) };
        port.postMessage(reply);
      },
    );
  });
}

/** From inside a pool worker: a line for the pool's `log`. */
export function logToParent(message: string): void {
  const log: WorkerLog = { log: message };
  parentPort?.postMessage(log);
}

function toFailure(error: unknown, fallback: ErrorCode): WorkerFailure {
  if (error instanceof MemoryError) {
    // details may hold values that cannot be cloned; a failure must always reach the caller.
    const details = error.details && cloneable(error.details) ? error.details : undefined;
    return { code: error.code, message: error.message, ...(details ? { details } : {}) };
  }
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Rebuilds a worker's failure on the main thread, trusting only known codes. */
export function fromFailure(failure: WorkerFailure, fallback: ErrorCode): MemoryError {
  const code = (ERROR_CODES as readonly string[]).includes(failure.code) ? failure.code : fallback;
  return new MemoryError(code, failure.message, failure.details ? { details: failure.details } : undefined);
}
