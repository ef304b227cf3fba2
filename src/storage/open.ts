import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NAMESPACE, MemoryError } from '../core/index.js';
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
}

export interface OpenStorageOptions {
  /** Every read and write stays inside this namespace (default `default`). */
  namespace?: string;
  sqlite?: SqliteOptions;
  postgres?: PostgresOptions;
}

/** Which backend a `--db` value names: `postgres://` and `postgresql://` URLs, or else a file. */
export type StorageKind = 'sqlite' | 'postgres';

export function storageKind(db: string): StorageKind {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(db)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file') return 'sqlite';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  throw new MemoryError(
    'INVALID_INPUT',
    `${scheme}:// databases are not supported; use a file path or file: URL (the embedded store) or a postgres:// URL`,
    { details: { field: 'db' } },
  );
}

/**
 * Opens the store that `db` names, picking the backend by its scheme and loading only that backend's driver:
 * a `postgres://` URL opens PostgreSQL (migrating its schema), anything else is a SQLite file (its folder is
 * created). Errors: INVALID_INPUT for an unknown scheme, STORAGE_ERROR with what to check when it cannot open.
 */
export async function openStorage(db: string, options: OpenStorageOptions = {}): Promise<StorageBackend> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (storageKind(db) === 'postgres') {
    const { url, schema } = postgresUrl(db);
    const { openPostgresStorage } = await import('./postgres/index.js');
    return openPostgresStorage(url, { ...(schema ? { schema } : {}), ...options.postgres, namespace });
  }
  const { openSqliteStorage } = await import('./sqlite/index.js');
  return openSqliteStorage(sqlitePath(db), { ...options.sqlite, namespace });
}

/** The file a SQLite `db` value names (a path, `file:` URL or `:memory:`), its folder created. */
export function sqlitePath(db: string): string {
  if (storageKind(db) !== 'sqlite') {
    throw new MemoryError(
      'INVALID_INPUT',
      `${redactUrl(db)} is not a SQLite file; this works on the embedded store`,
    );
  }
  const path = db.startsWith('file://') ? fileURLToPath(db) : db.replace(/^file:/, '');
  if (path === ':memory:') return path;
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
  return path;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(db: string): string {
  return db.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/**
 * A `postgres://` URL without slmem's own `schema` parameter, and that schema: `?schema=team_a` keeps a memory
 * in its own schema of the database (created when missing), so several memories can share one database.
 */
export function postgresUrl(db: string): { url: string; schema?: string } {
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
  if (schema === null) return { url: db };
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new MemoryError(
      'INVALID_INPUT',
      `schema=${JSON.stringify(schema)} is not valid: lower-case letters, digits and "_", starting with a letter or "_"`,
      { details: { field: 'db' } },
    );
  }
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}
