import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, it } from 'vitest';

/** A storage backend the integration tests run against: `db()` gives a fresh, empty store each call. */
export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** A new `--db` value: a temp SQLite file, or the test PostgreSQL URL with a schema of its own. */
  db: () => string;
}

/** The PostgreSQL server the tests may use (`SLMEM_TEST_POSTGRES_URL`), or undefined to skip those variants. */
export const TEST_POSTGRES_URL: string | undefined = process.env.SLMEM_TEST_POSTGRES_URL || undefined;

const tempDirs: string[] = [];
const schemas: string[] = [];

/** A fresh temp SQLite file path (its directory is removed by `dropSchemas`). */
export function tempSqliteDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slmem-backend-'));
  tempDirs.push(dir);
  return join(dir, 'memory.db');
}

/** `url` with `?schema=NAME` added, whether or not the URL already carries a query string. */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** A fresh schema in the test database, remembered for `dropSchemas`. */
export function postgresDb(base: string = TEST_POSTGRES_URL ?? ''): string {
  if (!base) throw new Error('SLMEM_TEST_POSTGRES_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return withSchema(base, schema);
}

/**
 * The backends to run: always SQLite, plus PostgreSQL when `SLMEM_TEST_POSTGRES_URL` is set. Use with
 * `describe.each(testBackends())('… on $name', ({ db }) => …)` and `afterAll(dropSchemas)`.
 */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ name: 'sqlite', db: tempSqliteDb }];
  if (TEST_POSTGRES_URL) backends.push({ name: 'postgres', db: () => postgresDb(TEST_POSTGRES_URL) });
  // Without a server the PostgreSQL variant shows up as skipped, with the reason in its name.
  else describe.skip(POSTGRES_SKIPPED, () => it('runs the same tests on PostgreSQL', () => {}));
  return backends;
}

export const POSTGRES_SKIPPED =
  'postgres: skipped (set SLMEM_TEST_POSTGRES_URL to run the PostgreSQL variant)';

/**
 * For `afterAll`: drops every schema `testBackends` handed out (`DROP SCHEMA … CASCADE`) and removes the temp
 * SQLite directories. Safe to call when PostgreSQL is not configured.
 */
export async function dropSchemas(): Promise<void> {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  const names = schemas.splice(0);
  if (names.length === 0 || !TEST_POSTGRES_URL) return;
  const { default: pg } = await import('pg');
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A one-connection pool whose queries see `schema` first: to call a PostgreSQL backend's SQL functions directly. */
export function schemaPool(url: string, schema: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema},public` });
}

/** Drops the schema a test made and ends its pool (either may be missing when the setup failed early). */
export async function dropSchemaPool(pool: pg.Pool | undefined, schema: string): Promise<void> {
  await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool?.end();
}
