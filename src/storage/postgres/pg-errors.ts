import { MemoryError, redactUrl } from '../../core/index.js';

/** Where the store connects, for messages: never the password. */
export interface PgTarget {
  host: string;
  port: string;
  user: string;
  database: string;
  /** The URL's password, only to cut it out of any message that would repeat it. */
  secret?: string;
}

/** The host, port, user and database a URL names (libpq's defaults where it names none). */
export function describeTarget(url: string): PgTarget {
  const fallback: PgTarget = {
    host: process.env.PGHOST ?? 'localhost',
    port: process.env.PGPORT ?? '5432',
    user: process.env.PGUSER ?? process.env.USER ?? 'postgres',
    database: process.env.PGDATABASE ?? '',
  };
  try {
    const parsed = new URL(url);
    const user = decodeURIComponent(parsed.username) || fallback.user;
    const secret = decodeURIComponent(parsed.password);
    return {
      ...(secret ? { secret } : {}),
      host: parsed.searchParams.get('host') ?? (parsed.hostname || fallback.host),
      port: parsed.port || fallback.port,
      user,
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user,
    };
  } catch {
    return fallback;
  }
}

/** A PostgreSQL error's SQLSTATE, or a Node socket error's code. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Failures that go away when the whole transaction runs again. */
export function isRetryable(error: unknown): boolean {
  const code = errorCode(error);
  return code === '40001' || code === '40P01';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** The connection broke (server restart, dropped idle connection): what was not committed was rolled back. */
export function isConnectionLoss(error: unknown): boolean {
  const code = errorCode(error);
  return (
    (code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('08'))) ||
    /Connection terminated|Client has encountered a connection error|not queryable/i.test(messageOf(error))
  );
}

function messageOf(error: unknown, target?: PgTarget): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactUrl(target?.secret ? message.replaceAll(target.secret, '***') : message);
}

/** Whether the error says that pgvector is missing (type or extension), whatever the statement was. */
export function isMissingVector(error: unknown): boolean {
  const message = messageOf(error);
  return /extension "vector"|type "vector" does not exist|vector\.control/.test(message);
}

export function pgvectorMissing(cause?: unknown): MemoryError {
  return new MemoryError(
    'STORAGE_ERROR',
    'pgvector is not installed: run scripts/setup-postgres.sh or CREATE EXTENSION vector as a superuser',
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Driver and server errors become coded errors: a unique-key clash is a CONFLICT, everything else a
 * STORAGE_ERROR saying what to check. A MemoryError passes through unchanged. Messages never hold the password.
 */
export function toStorageError(error: unknown, target: PgTarget): MemoryError {
  if (error instanceof MemoryError) return error;
  const code = errorCode(error);
  const message = messageOf(error, target);
  const where = `${target.host}:${target.port}`;
  if (code === '23505') {
    return new MemoryError('CONFLICT', `a row with this key already exists (${message})`, { cause: error });
  }
  if (/timeout exceeded when trying to connect/i.test(message)) {
    return new MemoryError(
      'STORAGE_ERROR',
      `got no connection to PostgreSQL at ${where} in time: the server is slow to answer, or every pooled connection is busy (raise poolSize)`,
      { cause: error, details: { host: target.host, port: target.port } },
    );
  }
  if (isConnectionLoss(error) || /connection timeout/i.test(message)) {
    return new MemoryError(
      'STORAGE_ERROR',
      `cannot reach PostgreSQL at ${where} (${code ?? message}); check that the server runs and the URL`,
      { cause: error, details: { host: target.host, port: target.port } },
    );
  }
  if (code === '28P01' || code === '28000') {
    return new MemoryError(
      'STORAGE_ERROR',
      `PostgreSQL at ${where} refused the login of user "${target.user}"; check the user name and password in the URL`,
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new MemoryError(
      'STORAGE_ERROR',
      `the database "${target.database}" does not exist on ${where}; create it (createdb) or fix the URL`,
      { cause: error },
    );
  }
  if (isMissingVector(error)) return pgvectorMissing(error);
  if (code === '42501') {
    return new MemoryError(
      'STORAGE_ERROR',
      `user "${target.user}" lacks a privilege slmem needs (${message}); grant it, or use the schema option with a schema the user owns`,
      { cause: error },
    );
  }
  if (code === '53100') {
    return new MemoryError(
      'STORAGE_ERROR',
      'the PostgreSQL server is out of disk space; nothing was written',
      {
        cause: error,
      },
    );
  }
  if (code === 'ERR_PG_POOL_ENDED' || /after calling end on the pool/.test(message)) {
    return new MemoryError('STORAGE_ERROR', 'the store is closed', { cause: error });
  }
  return new MemoryError('STORAGE_ERROR', `storage failed: ${message}`, { cause: error });
}
