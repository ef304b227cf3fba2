import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Transferable, Worker } from 'node:worker_threads';
import { type ErrorCode, MemoryError } from './errors.js';
import {
  CLOSE_MESSAGE,
  fromFailure,
  type WorkerLog,
  type WorkerReply,
  type WorkerRequest,
} from './worker-protocol.js';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** The worker module (see `serveRequests`): a .js file, or its .ts source when running under tsx/vitest. */
  url: URL;
  /** Most workers started at once; each started only when all others are busy. */
  size: number;
  /** Names the workers in error messages, e.g. `use-lite-512`. */
  name: string;
  /** The code of the errors the pool makes (a worker that crashed, could not start) and of uncoded throws. */
  errorCode: ErrorCode;
  /** Given to each worker as `workerData` (structured-cloned). */
  workerData?: unknown;
  /** Receives what a worker reports with `logToParent`. */
  log?: (message: string) => void;
  /**
   * How long `close` waits for the jobs in flight before it ends the workers anyway, failing those jobs (default:
   * as long as they take).
   */
  closeTimeoutMs?: number;
}

/** How long a worker asked to close may take to release what it holds before it is terminated. */
const EXIT_GRACE_MS = 2_000;

/** Workers running a module's jobs off the main thread. */
export interface WorkerPool<P, R> {
  /** Runs one job on the least busy worker; a crashed worker fails its jobs and is replaced on the next run. */
  run(payload: P, transfer?: Transferable[]): Promise<R>;
  /**
   * Waits for the jobs in flight (up to `closeTimeoutMs`), then asks each worker to close what it holds and ends
   * it; a later `run` starts new ones.
   */
  close(): Promise<void>;
  /** Workers running now. */
  readonly running: number;
}

interface Job<R> {
  resolve(result: R): void;
  reject(error: MemoryError): void;
  done: Promise<unknown>;
}

interface Slot<R> {
  worker: Worker;
  jobs: Map<number, Job<R>>;
}

/**
 * A small pool of worker threads answering requests of the `worker-protocol.ts` shape. Workers start lazily
 * and hold the process open only while they have jobs (idle workers are unref'd), so a program that never
 * calls `close` still exits.
 */
export function createWorkerPool<P, R>(options: WorkerPoolOptions): WorkerPool<P, R> {
  const slots: Slot<R>[] = [];
  let nextId = 0;

  const spawn = (): Slot<R> => {
    const worker = startWorker(options.url, options.workerData);
    worker.unref();
    const slot: Slot<R> = { worker, jobs: new Map() };
    slots.push(slot);
    worker.on('message', (reply: WorkerReply<R> | WorkerLog) => {
      if ('log' in reply) return options.log?.(reply.log);
      const job = slot.jobs.get(reply.id);
      if (!job) return;
      forget(slot, reply.id);
      if (reply.ok) job.resolve(reply.result);
      else job.reject(fromFailure(reply.error, options.errorCode));
    });
    // An uncaught error (the module failed to load, a throw outside a job, out of memory) ends the worker.
    worker.on('error', (error) => retire(slot, `failed: ${error.message}`, error));
    worker.on('messageerror', (error) => {
      retire(slot, `sent a reply that could not be read: ${error.message}`, error);
      void worker.terminate();
    });
    worker.on('exit', (code) => retire(slot, `stopped (exit code ${code})`));
    return slot;
  };

  const forget = (slot: Slot<R>, id: number) => {
    slot.jobs.delete(id);
    if (slot.jobs.size === 0) slot.worker.unref();
  };

  // Fails the slot's jobs and drops it, so the next run starts a fresh worker.
  const retire = (slot: Slot<R>, what: string, cause?: Error) => {
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of jobs) {
      job.reject(
        new MemoryError(
          options.errorCode,
          `the ${options.name} worker ${what}; the next call starts a new worker`,
          cause ? { cause } : undefined,
        ),
      );
    }
  };

  const pick = (): Slot<R> => {
    let best: Slot<R> | undefined;
    for (const slot of slots) if (!best || slot.jobs.size < best.jobs.size) best = slot;
    if ((!best || best.jobs.size > 0) && slots.length < options.size) return spawn();
    return best ?? spawn();
  };

  return {
    run(payload, transfer = []) {
      let slot: Slot<R>;
      try {
        slot = pick();
      } catch (error) {
        // A Worker refused at construction, or the sources run without tsx installed.
        return Promise.reject(
          new MemoryError(options.errorCode, `could not start the ${options.name} worker: ${reason(error)}`, {
            cause: error,
          }),
        );
      }
      const id = nextId++;
      const { promise, resolve, reject } = withResolvers<R>();
      slot.jobs.set(id, { resolve, reject, done: promise.catch(() => undefined) });
      if (slot.jobs.size === 1) slot.worker.ref();
      try {
        const request: WorkerRequest<P> = { id, payload };
        slot.worker.postMessage(request, transfer);
      } catch (error) {
        forget(slot, id);
        const message = `could not send a job to the ${options.name} worker: ${reason(error)}`;
        reject(new MemoryError(options.errorCode, message, { cause: error }));
      }
      return promise;
    },
    async close() {
      const closing = slots.splice(0);
      const inFlight = Promise.all(closing.flatMap((slot) => [...slot.jobs.values()].map((job) => job.done)));
      const limit = options.closeTimeoutMs;
      await (limit === undefined
        ? inFlight
        : Promise.race([inFlight, sleep(limit, undefined, { ref: false })]));
      await Promise.all(
        closing.map(async ({ worker }) => {
          const exited = once(worker, 'exit').catch(() => undefined);
          // An idle worker is unref'd: held again until it exits, or the process could end before it closes.
          worker.ref();
          try {
            worker.postMessage(CLOSE_MESSAGE);
          } catch {
            // Already gone: terminate below is enough.
          }
          await Promise.race([exited, sleep(EXIT_GRACE_MS, undefined, { ref: false })]);
          await worker.terminate();
        }),
      );
    },
    get running() {
      return slots.length;
    },
  };
}

/**
 * Starts a worker on `url`. Under tsx or vitest the module is the .ts source, which Node cannot load in a
 * worker, and on Node 20 a loader given with `--import` does not reach a worker's entry module; so the worker
 * registers tsx itself (a dev dependency, present wherever the sources run) and then imports the module.
 */
function startWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(url.href);
  return new Worker(`import(${tsx}).then((tsx) => tsx.tsImport(${entry}, ${entry}))`, {
    eval: true,
    workerData,
  });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withResolvers<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
