export { MIGRATIONS } from './pg-migrations.js';
export { openPostgresStorage, PgPort, type PostgresStorageOptions } from './pg-port.js';
