import { MemoryError, redactUrl } from '../core/index.js';
import { type SnapshotInfo, sqlitePath, storageKind } from '../storage/index.js';
import { defaultDbPath } from './options.js';

/**
 * Puts a snapshot written by `backup` in place as the SQLite file `db` names (default as `open`); the
 * SQLite driver is loaded only here. INVALID_INPUT for a PostgreSQL URL or `:memory:`.
 */
export async function restoreMemory(
  snapshot: string,
  options: { db?: string; force?: boolean },
): Promise<SnapshotInfo> {
  const db = options.db ?? defaultDbPath();
  if (storageKind(db) !== 'sqlite') {
    throw new MemoryError(
      'INVALID_INPUT',
      `restore writes a SQLite file; ${redactUrl(db)} is a PostgreSQL server (use pg_restore there, or slmem import)`,
    );
  }
  const target = sqlitePath(db);
  if (target === ':memory:') {
    throw new MemoryError('INVALID_INPUT', 'cannot restore into an in-memory database');
  }
  const { restoreSnapshot } = await import('../storage/sqlite/index.js');
  return restoreSnapshot(snapshot, target, { force: options.force === true });
}
