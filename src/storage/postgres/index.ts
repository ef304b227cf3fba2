/**
 * The PostgreSQL backend: `openPostgresStorage(url, { schema, namespace, poolSize })` gives the same `Store` as
 * the embedded one, over a `pg` pool. Tables live in `schema` (created when missing) or the connection's own
 * search path; migrations run under an advisory lock; full text is a weighted `tsvector` (english) ranked by
 * `ts_rank`; vectors are pgvector columns with an HNSW cosine index per provider and dimension. Needs
 * PostgreSQL 12+ and pgvector (0.8+ for filtered HNSW scans).
 */
export { MIGRATIONS } from './pg-migrations.js';
export { openPostgresStorage, PgPort, type PostgresStorageOptions } from './pg-port.js';
