export type { OpenDatabaseOptions, SqliteDatabase, SqliteStatement } from './driver.js';
export type { SqliteStorageOptions } from './sqlite-storage.js';
export { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';
