import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import Database from 'libsql';
import { MemoryError } from '../../core/index.js';
import type { SnapshotInfo } from '../storage.js';
import type { SqliteDatabase } from './driver.js';
import { MIGRATIONS } from './migrations.js';

/**
 * Writes a consistent copy of the open database to `target` with `VACUUM INTO`: it runs in one read
 * transaction of this connection, so writers in other connections (WAL) go on and the copy is the store at one
 * point in time. Written to `target.tmp`, checked, then renamed: a crash leaves no half snapshot at `target`.
 */
export function writeSnapshot(db: SqliteDatabase, target: string): SnapshotInfo {
  if (existsSync(target)) {
    throw new MemoryError('CONFLICT', `${target} already exists; choose a new file for the backup`);
  }
  const tmp = `${target}.tmp`;
  rmSync(tmp, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
    syncFile(tmp);
    const info = verifySnapshot(tmp);
    renameSync(tmp, target);
    return { ...info, path: target };
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * Opens a snapshot read-only and checks it: SQLite's `PRAGMA integrity_check` says ok and its schema is one this
 * slmem knows. INVALID_INPUT otherwise, NOT_FOUND for a missing file.
 */
export function verifySnapshot(path: string): SnapshotInfo {
  if (!existsSync(path)) throw new MemoryError('NOT_FOUND', `file ${path} does not exist`);
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true }) as unknown as SqliteDatabase;
  } catch (error) {
    throw invalidSnapshot(path, error instanceof Error ? error.message : String(error), error);
  }
  try {
    const problems = (db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>).map(
      (r) => r.integrity_check,
    );
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw invalidSnapshot(path, `integrity_check failed: ${problems.slice(0, 3).join('; ')}`);
    }
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version < 1 || version > MIGRATIONS.length) {
      throw invalidSnapshot(
        path,
        version < 1
          ? 'it is not an slmem database (no schema version)'
          : `schema ${version} is newer than this slmem knows (${MIGRATIONS.length}); upgrade slmem`,
      );
    }
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      path,
      bytes: statSync(path).size,
      schemaVersion: version,
      episodes: count('episodes'),
      patterns: count('patterns'),
      heuristics: count('heuristics'),
    };
  } catch (error) {
    if (error instanceof MemoryError) throw error;
    throw invalidSnapshot(path, error instanceof Error ? error.message : String(error), error);
  } finally {
    db.close();
  }
}

/**
 * Puts a snapshot in place as the database at `target`, after `verifySnapshot`. A target that holds any
 * episode, pattern or heuristic is only replaced with `force` (CONFLICT otherwise). No process may have the
 * target open: its WAL and shared-memory files are removed so they cannot be replayed onto the snapshot.
 */
export function restoreSnapshot(
  source: string,
  target: string,
  options: { force?: boolean } = {},
): SnapshotInfo {
  const info = verifySnapshot(source);
  if (existsSync(target) && !options.force) {
    const held = storedItems(target);
    if (held !== 0) {
      const what = held === null ? 'is not an empty slmem database' : `already holds ${held} items`;
      throw new MemoryError('CONFLICT', `${target} ${what}; pass --force (force: true) to replace it`, {
        details: { target, ...(held === null ? {} : { items: held }) },
      });
    }
  }
  const tmp = `${target}.restore.tmp`;
  try {
    copyFileSync(source, tmp);
    syncFile(tmp);
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new MemoryError('STORAGE_ERROR', `cannot restore to ${target}: ${reason}`, { cause: error });
  }
  return { ...info, path: target };
}

/** Episodes, patterns and heuristics a restore would throw away; `null` for a file that is not readable as one. */
function storedItems(path: string): number | null {
  if (statSync(path).size === 0) return 0;
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path) as unknown as SqliteDatabase;
    const tables = new Set(
      (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
      ).map((r) => r.name),
    );
    let total = 0;
    for (const table of ['episodes', 'patterns', 'heuristics']) {
      if (tables.has(table))
        total += (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    // Fold any WAL into the file before it is replaced, so nothing stale is left beside the restored copy.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return total;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function invalidSnapshot(path: string, reason: string, cause?: unknown): MemoryError {
  return new MemoryError('INVALID_INPUT', `${path} is not a usable slmem snapshot: ${reason}`, {
    details: { path },
    ...(cause === undefined ? {} : { cause }),
  });
}
