import { fileURLToPath } from 'node:url';
import { MemoryError } from '../core/index.js';

/**
 * How a SQLite file is opened, as SQLite's own `mode` URI parameter says: `ro` reads an existing file only,
 * `rw` reads and writes an existing file, `rwc` (the default) also creates it.
 */
export type SqliteMode = 'ro' | 'rw' | 'rwc';

const SQLITE_MODES: readonly string[] = ['ro', 'rw', 'rwc'] satisfies SqliteMode[];

/**
 * The file a SQLite `--db` value names and how to open it. A `file:` URL is read as SQLite reads one
 * (sqlite.org/uri.html): `file:relative.db`, `file:/abs.db`, `file:///abs.db`, percent-escapes decoded, the
 * fragment ignored, and of the query only `mode=ro|rw|rwc` (INVALID_INPUT names any other parameter). Anything
 * else is a plain path taken as it is: a `?` in it is part of the file name.
 *
 * @example
 * parseSqliteDb('file:/data/memory.db?mode=ro'); // { path: '/data/memory.db', mode: 'ro' }
 */
export function parseSqliteDb(db: string): { path: string; mode: SqliteMode } {
  if (!/^file:/i.test(db)) return { path: db, mode: 'rwc' };
  const [beforeFragment = ''] = db.split('#', 1);
  const queryAt = beforeFragment.indexOf('?');
  const location = queryAt === -1 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : beforeFragment.slice(queryAt + 1));
  let mode: SqliteMode = 'rwc';
  for (const [name, value] of query) {
    if (name !== 'mode') {
      throw invalid(
        `the file: URL parameter "${name}" is not supported; slmem takes only mode=ro, rw or rwc`,
      );
    }
    if (!SQLITE_MODES.includes(value)) {
      throw invalid(`mode=${value} is not supported in a file: URL; use mode=ro, rw or rwc`);
    }
    mode = value as SqliteMode;
  }
  const path = filePath(location);
  if (path === '') throw invalid(`${db} names no file; e.g. file:./memory.db or file:///data/memory.db`);
  if (path === ':memory:' && mode !== 'rwc') {
    throw invalid('an in-memory database is always created and written; drop the mode parameter');
  }
  return { path, mode };
}

/** `file://[localhost]/abs` is a URL with an authority; `file:rel` and `file:/abs` are paths with a prefix. */
function filePath(location: string): string {
  try {
    if (/^file:\/\//i.test(location)) return fileURLToPath(location);
    return decodeURIComponent(location.slice('file:'.length));
  } catch (error) {
    throw invalid(
      `${location} is not a valid file: URL (${error instanceof Error ? error.message : error}); e.g. file:///data/memory.db`,
    );
  }
}

function invalid(message: string): MemoryError {
  return new MemoryError('INVALID_INPUT', message, { details: { field: 'db' } });
}
