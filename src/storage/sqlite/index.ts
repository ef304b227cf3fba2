export type { OpenDatabaseOptions, SqliteDatabase, SqliteStatement } from './driver.js';
export { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';
