import { MemoryError } from '../../core/index.js';
import { errorCode, pgvectorMissing } from './pg-errors.js';
import type { Db } from './pg-reads.js';

/**
 * Versioned schema migrations of the PostgreSQL store, applied in order on open; `slmem_schema` records each
 * one applied. Never edit a shipped migration: add the next one.
 *
 * Times are milliseconds since the epoch (bigint), JSON is stored as text exactly as the SQLite store keeps it
 * (rows map back through the same functions). Episode ids are unique across the store; patterns, heuristics,
 * tool counts, feedback and vectors carry their namespace.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE episodes (
    id             text PRIMARY KEY,
    seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    namespace      text NOT NULL,
    task           text NOT NULL,
    task_type      text NOT NULL,
    domain         text NOT NULL,
    language       text,
    framework      text,
    complexity     text NOT NULL,
    context_tags   text NOT NULL,
    tags           text NOT NULL,
    metadata       text NOT NULL,
    started_at     bigint NOT NULL,
    ended_at       bigint,
    outcome_status text,
    outcome        text,
    reward_total   double precision,
    reward         text,
    reflection     text,
    summary        text,
    pattern_ids    text NOT NULL DEFAULT '[]',
    heuristic_ids  text NOT NULL DEFAULT '[]',
    step_count     integer NOT NULL DEFAULT 0,
    fts            tsvector
  );
  CREATE INDEX episodes_namespace_started_at ON episodes (namespace, started_at);
  CREATE INDEX episodes_namespace_domain_ended_at ON episodes (namespace, domain, ended_at);
  CREATE INDEX episodes_fts ON episodes USING gin (fts);

  CREATE TABLE episode_tags (
    tag        text NOT NULL,
    episode_id text NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, episode_id)
  );
  CREATE INDEX episode_tags_episode ON episode_tags (episode_id);

  CREATE TABLE steps (
    episode_id text NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    at         bigint NOT NULL,
    tool       text NOT NULL,
    action     text NOT NULL,
    params     text NOT NULL,
    status     text NOT NULL,
    output     text,
    latency_ms double precision NOT NULL,
    tokens     integer,
    metadata   text NOT NULL,
    PRIMARY KEY (episode_id, seq)
  );

  CREATE TABLE patterns (
    id           text PRIMARY KEY,
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    namespace    text NOT NULL,
    key          text NOT NULL,
    type         text NOT NULL,
    domain       text NOT NULL,
    occurrences  integer NOT NULL,
    success_rate double precision NOT NULL,
    last_seen    bigint NOT NULL,
    description  text NOT NULL,
    body         text NOT NULL,
    fts          tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english', description), 'A') || setweight(to_tsvector('english', key), 'B')
    ) STORED,
    UNIQUE (namespace, key)
  );
  CREATE INDEX patterns_type_occurrences ON patterns (namespace, type, occurrences DESC);
  CREATE INDEX patterns_domain ON patterns (namespace, domain);
  CREATE INDEX patterns_fts ON patterns USING gin (fts);

  CREATE TABLE heuristics (
    id         text PRIMARY KEY,
    namespace  text NOT NULL,
    key        text NOT NULL,
    trigger    text NOT NULL,
    domain     text NOT NULL,
    confidence double precision NOT NULL,
    body       text NOT NULL,
    UNIQUE (namespace, key)
  );
  CREATE INDEX heuristics_trigger ON heuristics (namespace, trigger);

  CREATE TABLE tool_evidence (
    namespace text NOT NULL,
    domain    text NOT NULL,
    feature   text NOT NULL,
    tool      text NOT NULL,
    successes integer NOT NULL DEFAULT 0,
    failures  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (namespace, domain, feature, tool)
  );
  CREATE INDEX tool_evidence_feature ON tool_evidence (namespace, feature);

  CREATE TABLE feedback (
    id             text PRIMARY KEY,
    namespace      text NOT NULL,
    episode_id     text,
    pattern_ids    text NOT NULL,
    playbook_steps text NOT NULL,
    success        boolean NOT NULL,
    note           text,
    at             bigint NOT NULL
  );
  CREATE INDEX feedback_namespace_at ON feedback (namespace, at);

  CREATE TABLE checkpoints (
    id         text PRIMARY KEY,
    episode_id text NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    at         bigint NOT NULL,
    note       text NOT NULL,
    progress   double precision,
    step_count integer NOT NULL
  );
  CREATE INDEX checkpoints_episode ON checkpoints (episode_id, at);

  CREATE TABLE episode_links (
    from_id    text NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    to_id      text NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    type       text NOT NULL,
    note       text,
    created_at bigint NOT NULL,
    PRIMARY KEY (from_id, type, to_id)
  );
  CREATE INDEX episode_links_to ON episode_links (to_id, type);

  CREATE TABLE vectors (
    kind      text NOT NULL,
    provider  text NOT NULL,
    item_id   text NOT NULL,
    namespace text NOT NULL,
    dims      integer NOT NULL,
    text_hash text NOT NULL,
    embedding vector NOT NULL,
    PRIMARY KEY (kind, provider, item_id)
  );
  CREATE INDEX vectors_namespace ON vectors (namespace, kind, provider);
  CREATE INDEX vectors_item ON vectors (kind, item_id);

  CREATE TABLE embedding_cache (
    provider  text NOT NULL,
    text_hash text NOT NULL,
    embedding vector NOT NULL,
    PRIMARY KEY (provider, text_hash)
  );

  CREATE TABLE meta (key text PRIMARY KEY, value bigint NOT NULL);
  INSERT INTO meta (key, value) VALUES ('write_generation', 0);
  `,
  // The tsvector kept in the row (not TOASTed out of line): ranking the matches of a search reads it for each,
  // and an out-of-line value costs a second lookup (search p50 at 10k 9.1 -> 6.3 ms on the same rows). Catalog
  // only; rows written before keep theirs where they are until rewritten.
  `
  ALTER TABLE episodes ALTER COLUMN fts SET STORAGE MAIN;
  `,
  // Retrieval may search the task alone (what was asked, not what was done): its own tsvector, set when the
  // episode completes like fts, with its own GIN index.
  `
  ALTER TABLE episodes ADD COLUMN task_fts tsvector;
  ALTER TABLE episodes ALTER COLUMN task_fts SET STORAGE MAIN;
  UPDATE episodes SET task_fts = to_tsvector('english', task) WHERE fts IS NOT NULL;
  CREATE INDEX episodes_task_fts ON episodes USING gin (task_fts);
  `,
  // What each namespace's self-tuning chose: retrieval and playbook settings and the confidence calibration.
  `
  CREATE TABLE tuning (namespace text PRIMARY KEY, body text NOT NULL);
  `,
];

/** One key for every slmem process migrating any schema of the database: opens queue behind each other. */
const MIGRATION_LOCK = '7526411283364737349';

/**
 * Brings the schema up to date inside one transaction that holds the migration lock, so that several processes
 * opening a new database (or schema) at once apply each migration once. `schema`, when given, is created first.
 */
export async function migrate(db: Db, schema: string | undefined): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    if (schema !== undefined) {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      // The search path was resolved before the schema existed: name it again so tables are created in it.
      await db.query(`SELECT set_config('search_path', current_setting('search_path'), true)`);
    }
    await db.query(
      'CREATE TABLE IF NOT EXISTS slmem_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM slmem_schema');
    const current = rows[0]?.v ?? 0;
    if (current > MIGRATIONS.length) {
      throw new MemoryError(
        'STORAGE_ERROR',
        `the database was written by a newer slmem (schema ${current}, this one knows ${MIGRATIONS.length}); upgrade slmem`,
      );
    }
    if (current < MIGRATIONS.length) await ensureVector(db);
    for (let version = current; version < MIGRATIONS.length; version++) {
      await db.query(MIGRATIONS[version]!);
      await db.query('INSERT INTO slmem_schema (version) VALUES ($1)', [version + 1]);
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * pgvector must be there: created here when this user may (the owner of the database, on PostgreSQL 13+, for
 * a trusted install, or a superuser), otherwise found as the set-up script created it.
 */
async function ensureVector(db: Db): Promise<void> {
  const { rows } = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
  if (rows.length > 0) return;
  await db.query('SAVEPOINT slmem_vector');
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS vector');
    await db.query('RELEASE slmem_vector');
  } catch (error) {
    await db.query('ROLLBACK TO slmem_vector');
    const code = errorCode(error);
    // Another process created it between the check and here.
    if (code === '23505' || code === '42710') return;
    throw pgvectorMissing(error);
  }
}

/** A schema name as slmem accepts it: lower-case letters, digits and `_`, so it never needs quoting rules. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new MemoryError(
      'INVALID_INPUT',
      `schema ${JSON.stringify(schema)} is not valid: use 1–63 lower-case letters, digits or "_", not starting with a digit`,
      { details: { field: 'schema' } },
    );
  }
  return schema;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
