import { closeSync, fstatSync, openSync, type Stats, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the write path. SQLite's auto-checkpoint runs inside the COMMIT that takes the WAL past
 * 1,000 pages: at 10k episodes that COMMIT took 10–40 ms instead of 0.1, and since a completion writes most of
 * an episode's ~200 pages, about one completion in six paid for it. Here a worker thread with a connection of
 * its own folds the WAL back into the file once `pages` frames wait in it (PASSIVE: it neither waits for nor
 * blocks this connection's readers and writer). It reads how many wait from the wal-index header in the
 * `-shm` file (https://sqlite.org/walformat.html), every `intervalMs`; where it cannot, it folds in whatever
 * another connection committed since its last round.
 *
 * Not more often than that: when every frame is folded in, the next write starts the WAL over, and SQLite
 * syncs the new WAL header inside that COMMIT (~3 ms here, against ~9 ms to fold in 300 pages). So the writer
 * still pays one fsync per `pages` frames at most, but not the copy. A PASSIVE pass cannot start the WAL over
 * while commits keep coming: past half of `backstopPages` the worker folds in whatever waits, each round, and
 * at `backstopPages` the writing connection's own auto-checkpoint (SQLite's, kept as a backstop) folds in the
 * few frames left and the WAL starts over; the backstop also bounds the WAL when the worker cannot keep up or
 * never started. A short-lived process (one CLI command) starts no worker: it starts after
 * `startAfterCommits` commits, and closing folds the WAL in anyway.
 */
export interface CheckpointOptions {
  /** Time between two rounds of the worker (default 50 ms). */
  intervalMs?: number;
  /** Frames waiting in the WAL from which a round folds them in (default 2,000, ~8 MB). */
  pages?: number;
  /** Commits of this connection before the worker starts (default 32). */
  startAfterCommits?: number;
  /** WAL pages at which the writing connection checkpoints by itself, inside a COMMIT (default 10,000). */
  backstopPages?: number;
}

const DEFAULTS: Required<CheckpointOptions> = {
  intervalMs: 50,
  pages: 2_000,
  startAfterCommits: 32,
  backstopPages: 10_000,
};

/** Slots of the control block shared with the worker. */
const STOP = 0;
/** 0 free, 1 held by the worker's pass, 2 held by this thread (a checkpoint of its own). */
const LOCK = 1;
/** 1 once the worker has closed its connection (or never opened one). */
const DONE = 2;
/** Rounds the worker has finished; each folds in the frames waiting as it begins, when there are `pages`. */
const ROUNDS = 3;

/** The longest a close or a checkpoint of this connection waits for a running background pass. */
const WAIT_MS = 10_000;

// CommonJS, evaluated as the worker's script; libsql is required by its resolved path, so it loads from this
// package's dependencies whatever the process's working directory.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const control = new Int32Array(workerData.control);
const header = Buffer.alloc(104);
const u32 = (offset) => (os.endianness() === 'LE' ? header.readUInt32LE(offset) : header.readUInt32BE(offset));
// Opened by the main thread and never closed here: see shmDescriptor.
const shm = workerData.shm;
/** Whether the wal-index header says it is time to fold the WAL in; undefined when it cannot be read. */
function due() {
  if (shm === undefined) return undefined;
  try {
    if (fs.readSync(shm, header, 0, header.length, 0) < header.length || u32(0) !== 3007000) return undefined;
    // mxFrame (offset 16): frames in the WAL; nBackfill (96): frames already folded in.
    const frames = u32(16);
    const waiting = Math.max(0, frames - u32(96));
    return waiting >= (frames >= workerData.eagerPages ? 1 : workerData.pages);
  } catch {
    return undefined;
  }
}
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
    let seen;
    for (;;) {
      const wait = Atomics.waitAsync(control, ${STOP}, 0, workerData.intervalMs);
      if (wait.async) await wait.value;
      if (Atomics.load(control, ${STOP}) !== 0) return;
      // Even reading data_version takes a read lock, which a TRUNCATE checkpoint of the writer would meet.
      if (Atomics.compareExchange(control, ${LOCK}, 0, 1) !== 0) continue;
      try {
        const time = due();
        // data_version changes when another connection commits: the fallback when the header is unreadable.
        const version = time === undefined ? dataVersion.get().data_version : undefined;
        if (time ?? (version !== seen)) {
          const { log, checkpointed } = checkpoint.get();
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

  /** Rounds the worker has finished; each folds in the frames waiting as it begins, when there are `pages`. */
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
        shm: shmDescriptor(this.#path),
        intervalMs: this.#options.intervalMs,
        pages: this.#options.pages,
        eagerPages: Math.floor(this.#options.backstopPages / 2),
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

/** The descriptor of each wal-index (`-shm`) file this process reads headers from, by database path. */
const shmFiles = new Map<string, { fd: number; dev: number; ino: number }>();

/**
 * A read-only descriptor of `path`-shm for the worker to read the wal-index header through, or undefined when
 * there is none yet (the worker then watches `data_version`).
 *
 * It is never closed while the file is the same: closing any descriptor of a file drops every POSIX lock the
 * process holds on it (fcntl semantics), SQLite's own included. After such a close, another process opening the
 * database believed it was alone, truncated the wal-index under this process's mapping, and the next read of
 * it here died of SIGBUS. So there is one descriptor per file for the life of the process, reused by every
 * connection; only when the file was deleted and made anew (a new inode, which no connection here shares with the
 * others) is the old descriptor closed.
 */
function shmDescriptor(path: string): number | undefined {
  const name = `${path}-shm`;
  let now: Stats;
  try {
    now = statSync(name);
  } catch {
    return undefined;
  }
  const known = shmFiles.get(name);
  if (known && known.dev === now.dev && known.ino === now.ino) return known.fd;
  if (known) {
    shmFiles.delete(name);
    closeSync(known.fd);
  }
  try {
    const fd = openSync(name, 'r');
    const opened = fstatSync(fd);
    shmFiles.set(name, { fd, dev: opened.dev, ino: opened.ino });
    return fd;
  } catch {
    return undefined;
  }
}
