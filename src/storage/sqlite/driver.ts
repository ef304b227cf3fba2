import { pathToFileURL } from 'node:url';
import Database from 'libsql';
import { type CheckpointOptions, WalCheckpointer } from './checkpoint.js';

/** The part of a SQLite driver this backend uses (libsql and better-sqlite3 both fit). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** A prepared statement by its SQL, from the connection's statement cache. */
export type Sql = (sql: string) => SqliteStatement;

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  close(): unknown;
  /** Whether a transaction is open (libsql and better-sqlite3 have it); SQLite ends one itself on some errors. */
  readonly inTransaction?: boolean;
}

export interface OpenDatabaseOptions {
  durability?: 'normal' | 'full';
  busyTimeoutMs?: number;
  /** Open an existing file for reading only (SQLite `mode=ro`): writes then fail with SQLITE_READONLY. */
  readOnly?: boolean;
  /** How the WAL of a writable file is checkpointed in the background (see `WalCheckpointer`). */
  checkpoints?: CheckpointOptions;
}

/** A libsql statement as it really is: it can also name its result columns. */
interface LibsqlStatement extends SqliteStatement {
  columns(): Array<{ name: string }>;
}

/**
 * libsql 0.5.29 leaks about 0.9 KB of native memory on every `Statement.all()` or `iterate()` call, whatever the
 * number of rows (`get()` does not; libsql-js issue 153): a server answering retrievals grew ~12 MB per 1,000
 * calls. So a query's rows are read as one JSON array built by SQLite and fetched with `get()`: the query runs
 * as a subquery of `json_group_array`, blobs travel as hex and come back as Buffers. Statements that are not
 * queries (PRAGMA …) keep `all()`.
 */
function withoutAllLeak(db: SqliteDatabase): SqliteDatabase {
  const prepare = db.prepare.bind(db);
  return Object.assign(db, {
    prepare(sql: string): SqliteStatement {
      const inner = prepare(sql) as LibsqlStatement;
      if (!/^\s*(SELECT|WITH)\b/i.test(sql)) return inner;
      let names: string[] | undefined;
      let aggregate: SqliteStatement | undefined;
      return {
        run: (...params: unknown[]) => inner.run(...params),
        get: (...params: unknown[]) => inner.get(...params),
        all(...params: unknown[]): unknown[] {
          if (!aggregate || !names) {
            names = inner.columns().map((c) => c.name);
            const cells = names.map((_, i) => {
              const column = `q.c${i}`;
              return `CASE typeof(${column}) WHEN 'blob' THEN json_object('hex', hex(${column})) ELSE ${column} END`;
            });
            const renamed = names.map((name, i) => `"${name.replace(/"/g, '""')}" AS c${i}`);
            aggregate = prepare(
              `SELECT json_group_array(json_array(${cells.join(', ')})) AS rows FROM (SELECT ${renamed.join(', ')} FROM (${sql})) AS q`,
            );
          }
          const { rows } = aggregate.get(...params) as { rows: string };
          const columns = names;
          return (JSON.parse(rows) as unknown[][]).map((values) => {
            const row: Record<string, unknown> = {};
            values.forEach((value, i) => {
              row[columns[i]!] =
                value !== null && typeof value === 'object' && 'hex' in value
                  ? Buffer.from(String((value as { hex: string }).hex), 'hex')
                  : value;
            });
            return row;
          });
        },
      };
    },
  });
}

/** Opens a database file with the settings every connection needs: WAL, busy timeout, foreign keys. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  // libsql has no read-only flag; a `file:` URI with `mode=ro` is how SQLite itself takes one.
  const location = options.readOnly && path !== ':memory:' ? `${pathToFileURL(path).href}?mode=ro` : path;
  const db = new Database(location) as unknown as SqliteDatabase;
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
  if (options.readOnly) db.exec('PRAGMA query_only = ON');
  else if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec('PRAGMA foreign_keys = ON');
  const writesFile = !options.readOnly && path !== ':memory:' && path !== '';
  return withoutAllLeak(writesFile ? withCheckpoints(db, path, options.checkpoints) : db);
}

const CHECKPOINT = /\bwal_checkpoint\b/i;

/**
 * Moves WAL checkpoints off the COMMIT (see `WalCheckpointer`): counts commits, runs the connection's own
 * checkpoints (on close) while no background pass runs, and stops the worker before the connection closes.
 */
function withCheckpoints(db: SqliteDatabase, path: string, options?: CheckpointOptions): SqliteDatabase {
  const checkpointer = new WalCheckpointer(path, options);
  db.exec(`PRAGMA wal_autocheckpoint = ${checkpointer.backstopPages}`);
  const exec = db.exec.bind(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    exec(sql: string): unknown {
      if (CHECKPOINT.test(sql)) return checkpointer.exclusive(() => exec(sql));
      const result = exec(sql);
      if (sql === 'COMMIT') checkpointer.noteCommit();
      return result;
    },
    close(): unknown {
      checkpointer.stop();
      return close();
    },
  });
}
