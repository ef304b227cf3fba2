import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryError } from '../../core/index.js';

/** Whether this process may write the file (a read-only one is opened read-only). */
export function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why a store did not open, said as what to do: the driver's own text names neither the file nor a fix. */
export function openError(path: string, error: unknown): MemoryError {
  if (error instanceof MemoryError && error.code !== 'STORAGE_ERROR') return error;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  const isFolder = (() => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  })();
  if (isFolder) {
    return new MemoryError(
      'STORAGE_ERROR',
      `${path} is a folder, not a database file; give a file path such as ${join(path, 'memory.db')}`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return new MemoryError(
      'STORAGE_ERROR',
      `${path} is not a database file; point --db (or the db option) at an slmem database or a new file`,
      { cause: error },
    );
  }
  // libsql reports a file it cannot open (SQLITE_CANTOPEN, 14) with an empty code: ConnectionFailed("…: 14").
  const cantOpen = /^ConnectionFailed\(/.test(message);
  if (
    typeof code !== 'string' ||
    cantOpen ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM')
  ) {
    if (error instanceof MemoryError) return error;
    return new MemoryError(
      'STORAGE_ERROR',
      `cannot open the database ${path}; check that its folder exists and that you may write there (${message})`,
      { cause: error },
    );
  }
  return toStorageError(error);
}

/** Driver errors become coded errors: a unique-key clash is a CONFLICT, everything else a STORAGE_ERROR. */
export function toStorageError(error: unknown): MemoryError {
  if (error instanceof MemoryError) return error;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (
    typeof code === 'string' &&
    code.startsWith('SQLITE_CONSTRAINT') &&
    /UNIQUE|PRIMARY/.test(`${code} ${message}`)
  ) {
    return new MemoryError('CONFLICT', `an episode with this id already exists (${message})`, {
      cause: error,
    });
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_FULL')) {
    return new MemoryError(
      'STORAGE_ERROR',
      'the disk is full (or the database reached its size limit), so nothing was written; free space and retry',
      { cause: error },
    );
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
    return new MemoryError(
      'STORAGE_ERROR',
      'the database is read-only (opened read-only, or its file or folder is not writable); reads work, writes need write access',
      { cause: error },
    );
  }
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) {
    return new MemoryError(
      'STORAGE_ERROR',
      `the database file is damaged or not a database (${message}); restore it from a backup or an export`,
      { cause: error },
    );
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
    return new MemoryError('STORAGE_ERROR', 'the database is locked by another process; retry in a moment', {
      cause: error,
    });
  }
  return new MemoryError('STORAGE_ERROR', `storage failed: ${message}`, { cause: error });
}
