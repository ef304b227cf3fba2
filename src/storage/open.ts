import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_NAMESPACE, MemoryError, redactUrl } from '../core/index.js';
import { parseSqliteDb, type SqliteMode } from './file-url.js';
import { makeFolder } from './folder.js';
import type { StorageBackend } from './storage.js';

/** Options of the embedded SQLite file. */
export interface SqliteOptions {
  /**
   * `normal` (default): a write survives a crash of the process (WAL, fsync at checkpoints);
   * `full`: it also survives a power cut, at the cost of one fsync per write.
   */
  durability?: 'normal' | 'full';
  /**
   * `exact` (default) scans every vector, fine to tens of thousands; `ann` keeps a DiskANN index per provider
   * and searches it, for larger memories (approximate).
   */
  vectorIndex?: 'exact' | 'ann';
  /** Reads only: every write fails with STORAGE_ERROR. A file this process may not write is opened so anyway. */
  readOnly?: boolean;
}

/** Options of a PostgreSQL server. */
export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** The schema the tables live in (created when missing); default: the connection's own `search_path`. */
  schema?: string;
  /**
   * `true` (default): every acknowledged write survives a crash of the server, whatever its own
   * `synchronous_commit` says. `false`: faster commits that a server crash may lose (the last ~0.6 s of them),
   * never half of one. In a `--db` URL: `?synchronous_commit=off`.
   */
  synchronousCommit?: boolean;
}

export interface OpenStorageOptions {
  /** Every read and write stays inside this namespace (default `default`). */
  namespace?: string;
  sqlite?: SqliteOptions;
  postgres?: PostgresOptions;
}

/** Which backend a `--db` value names: `postgres://` and `postgresql://` URLs, or else a file. */
export type StorageKind = 'sqlite' | 'postgres';

/** What a `--db` value names, parsed once for every caller (open, migrate, restore). */
export type DbLocation =
  | { kind: 'sqlite'; path: string; mode: SqliteMode }
  | ({ kind: 'postgres' } & ReturnType<typeof postgresUrl>);

/**
 * Parses a `--db` value: a `postgres://` URL (see `postgresUrl`), or a SQLite file: a `file:` URL as SQLite
 * reads one, `:memory:` or a plain path (see `parseSqliteDb`). INVALID_INPUT for another scheme, another
 * `file:` parameter or a malformed URL.
 *
 * @example
 * parseDb('file:/data/memory.db?mode=ro'); // { kind: 'sqlite', path: '/data/memory.db', mode: 'ro' }
 */
export function parseDb(db: string): DbLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(db)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', ...postgresUrl(db) };
  if (scheme === undefined || scheme === 'file') return { kind: 'sqlite', ...parseSqliteDb(db) };
  throw new MemoryError(
    'INVALID_INPUT',
    `${scheme}:// databases are not supported; use a file path or file: URL (the embedded store) or a postgres:// URL`,
    { details: { field: 'db' } },
  );
}

export function storageKind(db: string): StorageKind {
  return parseDb(db).kind;
}

/**
 * Opens the store that `db` names, picking the backend by its scheme and loading only that backend's driver:
 * a `postgres://` URL opens PostgreSQL (migrating its schema), anything else is a SQLite file, a path or a
 * `file:` URL (see `parseDb`; `mode=ro` is `sqlite.readOnly`), whose folder is created unless it is read-only.
 * Errors: INVALID_INPUT for an unknown scheme or parameter, STORAGE_ERROR with what to check when it cannot open.
 */
export async function openStorage(db: string, options: OpenStorageOptions = {}): Promise<StorageBackend> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const location = parseDb(db);
  if (location.kind === 'postgres') {
    const { url, schema, synchronousCommit } = location;
    const { openPostgresStorage } = await import('./postgres/index.js');
    return openPostgresStorage(url, {
      ...(schema ? { schema } : {}),
      ...(synchronousCommit === undefined ? {} : { synchronousCommit }),
      ...options.postgres,
      namespace,
    });
  }
  const readOnly = location.mode === 'ro' || options.sqlite?.readOnly === true;
  prepareFile(location.path, readOnly ? 'ro' : location.mode);
  const { openSqliteStorage } = await import('./sqlite/index.js');
  return openSqliteStorage(location.path, {
    ...options.sqlite,
    ...(readOnly ? { readOnly } : {}),
    namespace,
  });
}

/**
 * The SQLite file `db` names, for a caller that writes it (restore), prepared as for opening it: INVALID_INPUT
 * for a PostgreSQL URL or `mode=ro`.
 */
export function sqlitePath(db: string): string {
  const location = parseDb(db);
  if (location.kind !== 'sqlite') {
    throw new MemoryError(
      'INVALID_INPUT',
      `${redactUrl(db)} is not a SQLite file; this works on the embedded store`,
    );
  }
  if (location.mode === 'ro') {
    throw new MemoryError('INVALID_INPUT', `${db} is opened read-only (mode=ro); drop mode=ro to write it`);
  }
  prepareFile(location.path, location.mode);
  return location.path;
}

/** `rwc` creates the file's folder; `rw` needs the file; `ro` touches nothing (the backend checks the file). */
function prepareFile(path: string, mode: SqliteMode): void {
  if (path === ':memory:' || mode === 'ro') return;
  if (mode === 'rw') {
    if (!existsSync(path)) {
      throw new MemoryError(
        'STORAGE_ERROR',
        `no database at ${path}; mode=rw opens an existing file only (drop it to create the file)`,
      );
    }
    return;
  }
  try {
    makeFolder(dirname(path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new MemoryError(
      'STORAGE_ERROR',
      `cannot create the folder ${dirname(path)} for the database ${path} (${reason}); choose a location you may write`,
      { cause: error },
    );
  }
}

/**
 * A `postgres://` URL without slmem's own parameters, and their values: `?schema=team_a` keeps a memory in its
 * own schema of the database (created when missing), so several memories can share one database;
 * `?synchronous_commit=off` trades the last commits before a server crash for speed (see `PostgresOptions`).
 */
export function postgresUrl(db: string): { url: string; schema?: string; synchronousCommit?: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(db);
  } catch {
    throw new MemoryError(
      'INVALID_INPUT',
      `${redactUrl(db)} is not a valid URL; e.g. postgres://user:pass@host:5432/db`,
      {
        details: { field: 'db' },
      },
    );
  }
  const schema = parsed.searchParams.get('schema');
  const commit = parsed.searchParams.get('synchronous_commit');
  if (schema === null && commit === null) return { url: db };
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new MemoryError(
      'INVALID_INPUT',
      `schema=${JSON.stringify(schema)} is not valid: lower-case letters, digits and "_", starting with a letter or "_"`,
      { details: { field: 'db' } },
    );
  }
  if (commit !== null && commit !== 'on' && commit !== 'off') {
    throw new MemoryError(
      'INVALID_INPUT',
      `synchronous_commit=${JSON.stringify(commit)} is not valid: on (the default: no acknowledged write is lost) or off`,
      { details: { field: 'db' } },
    );
  }
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('synchronous_commit');
  return {
    url: parsed.toString(),
    ...(schema === null ? {} : { schema }),
    ...(commit === null ? {} : { synchronousCommit: commit === 'on' }),
  };
}
