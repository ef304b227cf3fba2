import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the write path. SQLite's auto-checkpoint runs inside the COMMIT that takes the WAL past
 * 1,000 pages: at 10k episodes that COMMIT took 10–40 ms instead of 0.1, and since a completion writes most of
 * an episode's ~200 pages, about one completion in six paid for it. Here a worker thread with a connection of
 * its own folds the WAL back into the file (PASSIVE: it neither waits for nor blocks this connection's readers
 * and writer) whenever another connection has committed since its last round, a round every `intervalMs`.
 *
 * The WAL stays bounded. A PASSIVE pass folds frames in but cannot start the WAL over while commits keep
 * coming (SQLite restarts it only when every frame is folded in as a write begins), so once it holds
 * `restartPages` a pass asks for a RESTART checkpoint, without waiting: it gets the write lock only between two
 * transactions of this connection, for the few frames left, and otherwise acts as PASSIVE. The writing
 * connection keeps SQLite's own auto-checkpoint at `backstopPages` for when the worker cannot keep up or never
 * started. A short-lived process (one CLI command) starts no worker: it starts after `startAfterCommits`
 * commits, and closing folds the WAL in anyway.
 */
export interface CheckpointOptions {
  /** Time between two rounds of the worker (default 200 ms). */
  intervalMs?: number;
  /** Commits of this connection before the worker starts (default 32). */
  startAfterCommits?: number;
  /** WAL pages from which a pass also starts the WAL over (default 4,000, ~16 MB). */
  restartPages?: number;
  /** WAL pages at which the writing connection checkpoints by itself, inside a COMMIT (default 10,000). */
  backstopPages?: number;
}

const DEFAULTS: Required<CheckpointOptions> = {
  intervalMs: 200,
  startAfterCommits: 32,
  restartPages: 4_000,
  backstopPages: 10_000,
};

/** Slots of the control block shared with the worker. */
const STOP = 0;
/** 0 free, 1 held by the worker's pass, 2 held by this thread (a checkpoint of its own). */
const LOCK = 1;
/** 1 once the worker has closed its connection (or never opened one). */
const DONE = 2;
/** Rounds the worker has finished: each folded in whatever was committed before it began. */
const ROUNDS = 3;

/** The longest a close or a checkpoint of this connection waits for a running background pass. */
const WAIT_MS = 10_000;

// CommonJS, evaluated as the worker's script; libsql is required by its resolved path, so it loads from this
// package's dependencies whatever the process's working directory.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const control = new Int32Array(workerData.control);
async function run() {
  if (Atomics.load(control, ${STOP}) !== 0) return;
  const Database = require(workerData.libsql);
  const db = new Database(workerData.path);
  // A pending Atomics.waitAsync does not keep a thread alive; this timer does, until the loop ends.
  const alive = setInterval(() => {}, 1 << 30);
  try {
    db.exec('PRAGMA busy_timeout = 0');
    const dataVersion = db.prepare('PRAGMA data_version');
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
    let seen;
    for (;;) {
      const wait = Atomics.waitAsync(control, ${STOP}, 0, workerData.intervalMs);
      if (wait.async) await wait.value;
      if (Atomics.load(control, ${STOP}) !== 0) return;
      // Even reading data_version takes a read lock, which a TRUNCATE checkpoint of the writer would meet.
      if (Atomics.compareExchange(control, ${LOCK}, 0, 1) !== 0) continue;
      try {
        // data_version changes when another connection commits: nothing new, nothing to fold in.
        const version = dataVersion.get().data_version;
        if (version !== seen) {
          let { log, checkpointed } = checkpoint.get();
          if (log >= workerData.restartPages) ({ log, checkpointed } = restart.get());
          if (log === checkpointed) seen = version;
        }
        Atomics.add(control, ${ROUNDS}, 1);
      } catch {
        // Busy or failing: the next round tries again, and the writer's own backstop bounds the WAL.
      } finally {
        Atomics.store(control, ${LOCK}, 0);
        Atomics.notify(control, ${LOCK});
      }
    }
  } finally {
    clearInterval(alive);
    db.close();
  }
}
run().catch(() => {}).finally(() => {
  Atomics.store(control, ${DONE}, 1);
  Atomics.notify(control, ${DONE});
});
`;

/**
 * The background checkpointer of one writing connection: told of each commit, it starts its worker once the
 * connection has written enough to matter, runs this connection's own checkpoints while no pass is running, and
 * stops the worker, synchronously, before the connection closes.
 */
export class WalCheckpointer {
  readonly #path: string;
  readonly #options: Required<CheckpointOptions>;
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  #worker: Worker | undefined;
  #commits = 0;
  #stopped = false;

  constructor(path: string, options: CheckpointOptions = {}) {
    this.#path = path;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** The `PRAGMA wal_autocheckpoint` the writing connection keeps as its backstop. */
  get backstopPages(): number {
    return this.#options.backstopPages;
  }

  /** Whether the worker has been started. */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /** Rounds the worker has finished: each folded in whatever was committed before it began. */
  get rounds(): number {
    return Atomics.load(this.#control, ROUNDS);
  }

  /** Counts a commit of the writing connection; the worker starts at `startAfterCommits`. */
  noteCommit(): void {
    if (this.#worker || this.#stopped) return;
    this.#commits += 1;
    if (this.#commits >= this.#options.startAfterCommits) this.#start();
  }

  /** Runs `fn` (a checkpoint of the writing connection, say) while no background pass runs. */
  exclusive<T>(fn: () => T): T {
    if (!this.#worker) return fn();
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const held = Atomics.compareExchange(this.#control, LOCK, 0, 2);
      if (held === 0) break;
      const left = deadline - Date.now();
      // A pass that never ends is not waited for: the checkpoint then meets SQLITE_BUSY and says so.
      if (left <= 0) return fn();
      Atomics.wait(this.#control, LOCK, held, left);
    }
    try {
      return fn();
    } finally {
      Atomics.store(this.#control, LOCK, 0);
    }
  }

  /** Stops the worker and waits until its connection is closed, so the writing connection closes last. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const worker = this.#worker;
    if (!worker) return;
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, STOP);
    if (Atomics.wait(this.#control, DONE, 0, WAIT_MS) === 'timed-out') void worker.terminate();
  }

  #start(): void {
    const libsql = createRequire(import.meta.url).resolve('libsql');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        control: this.#control.buffer,
        libsql,
        path: this.#path,
        intervalMs: this.#options.intervalMs,
        restartPages: this.#options.restartPages,
      },
      stdout: true,
      stderr: true,
    });
    // The backstop keeps the WAL bounded if the worker fails; it must not take the process down.
    worker.on('error', () => {});
    worker.on('exit', () => Atomics.store(this.#control, DONE, 1));
    worker.unref();
    this.#worker = worker;
  }
}
