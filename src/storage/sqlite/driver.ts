import { pathToFileURL } from 'node:url';
import Database from 'libsql';

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
  return db;
}
