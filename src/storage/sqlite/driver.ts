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
}

export interface OpenDatabaseOptions {
  durability?: 'normal' | 'full';
  busyTimeoutMs?: number;
}

/** Opens a database file with the settings every connection needs: WAL, busy timeout, foreign keys. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const db = new Database(path) as unknown as SqliteDatabase;
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}
