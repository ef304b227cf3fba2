export type { OpenDatabaseOptions, SqliteDatabase, SqliteStatement } from './driver.js';
export { restoreSnapshot, verifySnapshot } from './sqlite-backup.js';
export type { SqliteStorageOptions } from './sqlite-storage.js';
export { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';
