import pg from 'pg';
import type {
  Checkpoint,
  Episode,
  Feedback,
  Heuristic,
  Link,
  Pattern,
  Progress,
  ToolCount,
} from '../../core/index.js';
import { DEFAULT_NAMESPACE, MemoryError } from '../../core/index.js';
import type { StoragePort, WriteTx } from '../port.js';
import type {
  CandidateHits,
  CandidateLoad,
  CandidateQuery,
  ChosenEpisodes,
  EpisodeFilter,
  HeuristicFilter,
  LexicalHit,
  LoadedFacts,
  PatternFilter,
  ProgressFilter,
  SnapshotInfo,
  StorageStats,
  TextIndex,
  VectorHit,
  VectorKind,
} from '../storage.js';
import { Store } from '../store.js';
import * as candidates from './pg-candidates.js';
import * as collab from './pg-collaboration.js';
import { describeTarget, isConnectionLoss, isRetryable, type PgTarget, toStorageError } from './pg-errors.js';
import { checkSchemaName, migrate, quoteIdent } from './pg-migrations.js';
import { progress } from './pg-progress.js';
import type { Db } from './pg-reads.js';
import * as reads from './pg-reads.js';
import { stats } from './pg-stats.js';
import * as vectors from './pg-vectors.js';
import { PgTx } from './pg-writes.js';

export interface PostgresStorageOptions {
  /** The namespace every read and write stays in (default `default`). */
  namespace?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * The schema that holds the tables, created when missing; every pooled connection searches it first (then
   * `public`, where pgvector usually lives). Without it, tables live in the connection's current schema.
   */
  schema?: string;
  /**
   * `true` (default): a write is on the server's disk before its promise resolves, whatever the server's own
   * `synchronous_commit`: a server set to `off` is overridden on slmem's connections (any other value is kept).
   * `false` sets `synchronous_commit = off` on them: faster commits, but a crash of the server may lose the
   * last commits it acknowledged (up to three `wal_writer_delay`s, 0.6 s by default), never consistency.
   */
  synchronousCommit?: boolean;
}

/**
 * On a connection, and again at the start of each write transaction (a transaction-pooling proxy may hand out
 * another server connection than the one `onConnect` set up): `off` becomes `on`; `local`, `remote_write`,
 * `remote_apply` and `on` already wait for the local disk and are kept.
 */
const DURABLE_COMMIT = (scope: 'session' | 'transaction') =>
  `SELECT set_config('synchronous_commit', 'on', ${scope === 'transaction'}) WHERE current_setting('synchronous_commit') = 'off'`;

/** How often a transaction runs in all when PostgreSQL reports a deadlock or a serialisation failure. */
const MAX_ATTEMPTS = 5;

/** bigint (counts, millisecond times) and numeric (sums) as JS numbers: every value slmem stores fits. */
const TYPES = new pg.TypeOverrides();
TYPES.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
TYPES.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

/**
 * Opens the PostgreSQL store at `url` (a `postgres://` URL), applying migrations under an advisory lock so
 * several processes may open a new database at once. STORAGE_ERROR, saying what to check, when the server
 * cannot be reached, refuses the login, lacks the database or lacks pgvector.
 */
export async function openPostgresStorage(url: string, options: PostgresStorageOptions = {}): Promise<Store> {
  const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
  const target = describeTarget(url);
  const pool = new pg.Pool(poolConfig(url, options));
  // An idle connection that breaks (a server restart) is dropped by the pool; the next call says what failed.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    const onError = (): void => undefined;
    client.on('error', onError);
    let failed = false;
    try {
      await migrate(client, schema);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(failed);
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw toStorageError(error, target);
  }
  const durable = options.synchronousCommit ?? true;
  return new Store(new PgPort(pool, target, options.namespace ?? DEFAULT_NAMESPACE, durable));
}

/**
 * The pool of `openPostgresStorage`: each new connection gets its durable commits, its schema and pgvector's
 * iterative scan before its first use.
 */
export function poolConfig(url: string, options: PostgresStorageOptions = {}): pg.PoolConfig {
  const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
  // One round trip for both settings (a simple query may hold several statements).
  const setup = [
    options.synchronousCommit === false ? 'SET synchronous_commit TO off' : DURABLE_COMMIT('session'),
    ...(schema === undefined ? [] : [`SET search_path TO ${quoteIdent(schema)}, public`]),
  ].join('; ');
  return {
    connectionString: url,
    max: options.poolSize ?? 10,
    types: TYPES,
    application_name: 'slmem',
    connectionTimeoutMillis: 15_000,
    onConnect: async (client) => {
      await client.query(setup);
      // With an HNSW index, keep scanning until the filters (kind, namespace) leave `limit` rows (pgvector 0.8+).
      await client.query('SET hnsw.iterative_scan = strict_order').catch(() => undefined);
    },
  };
}

/** The PostgreSQL port: a connection pool; each write transaction runs on one pooled connection. */
export class PgPort implements StoragePort {
  readonly kind = 'postgres';
  readonly namespace: string;
  readonly #pool: pg.Pool;
  readonly #target: PgTarget;
  /** What a write transaction runs first: BEGIN, and the durable commit again (one round trip). */
  readonly #begin: string;
  /** HNSW indexes (provider and dims) known to exist. */
  readonly #indexes = new Set<string>();
  #closed: Promise<void> | undefined;

  constructor(pool: pg.Pool, target: PgTarget, namespace: string, durable = true) {
    this.#pool = pool;
    this.#begin = `BEGIN ISOLATION LEVEL READ COMMITTED${durable ? `; ${DURABLE_COMMIT('transaction')}` : ''}`;
    this.#target = target;
    this.namespace = namespace;
  }

  /**
   * READ COMMITTED; rows are locked with FOR UPDATE and keys with transaction-scoped advisory locks. A deadlock
   * or serialisation failure rolls back and runs `fn` again (up to MAX_ATTEMPTS in all), as does a connection
   * lost before COMMIT was sent (the server rolled it back; a pooled connection may have died while idle). A
   * connection lost during COMMIT is reported: whether it committed is unknown.
   */
  async transaction<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#connect();
      // A connection that breaks while checked out reports through its query's rejection, not as a crash.
      const onError = (): void => undefined;
      client.on('error', onError);
      let broken = false;
      let committing = false;
      try {
        await client.query(this.#begin);
        const tx = new PgTx(client as Db, this.namespace, this.#target, this.#indexes);
        const result = await fn(tx);
        committing = true;
        await client.query('COMMIT');
        for (const key of tx.madeIndexes) this.#indexes.add(key);
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const again = isRetryable(error) || (broken && !committing && isConnectionLoss(error));
        // Every idle connection may be dead after a restart: one more try than the pool holds.
        const limit = isRetryable(error) ? MAX_ATTEMPTS : Math.max(MAX_ATTEMPTS, this.#pool.options.max + 1);
        if (!again || attempt >= limit) throw toStorageError(error, this.#target);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    }
  }

  namespaces(): Promise<string[]> {
    return this.#read((db) => collab.namespaces(db));
  }

  findCandidates(query: CandidateQuery): Promise<CandidateHits> {
    return this.#read((db) => candidates.findCandidates(db, this.namespace, query));
  }
  candidateFacts(query: CandidateLoad): Promise<LoadedFacts> {
    return this.#read((db) => candidates.candidateFacts(db, this.namespace, query));
  }
  loadChosen(query: { ids: readonly string[]; steps?: boolean }): Promise<ChosenEpisodes> {
    return this.#read((db) => candidates.loadChosen(db, this.namespace, query));
  }

  getEpisode(id: string): Promise<Episode | null> {
    return this.#read((db) => reads.loadEpisode(db, this.namespace, id));
  }
  getEpisodes(ids: readonly string[], options: { steps?: boolean } = {}): Promise<Episode[]> {
    return this.#read((db) => reads.getEpisodes(db, this.namespace, ids, options));
  }
  listEpisodes(filter: EpisodeFilter): Promise<Episode[]> {
    return this.#read((db) => reads.listEpisodes(db, this.namespace, filter));
  }
  searchEpisodes(query: { text: string; limit: number; index?: TextIndex }): Promise<LexicalHit[]> {
    return this.#read((db) => reads.searchEpisodes(db, this.namespace, query));
  }
  recentEpisodeIds(query: { domain?: string; limit: number }): Promise<string[]> {
    return this.#read((db) => reads.recentEpisodeIds(db, this.namespace, query));
  }
  usedTools(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.#read((db) => reads.usedTools(db, this.namespace, ids));
  }
  toolCounts(query: { domain?: string; features: readonly string[] }): Promise<ToolCount[]> {
    return this.#read((db) => reads.toolCounts(db, this.namespace, query));
  }
  searchPatterns(query: { text: string; limit: number }): Promise<LexicalHit[]> {
    return this.#read((db) => reads.searchPatterns(db, this.namespace, query));
  }
  searchVectors(query: {
    kind: VectorKind;
    provider: string;
    vector: Float32Array;
    limit: number;
  }): Promise<VectorHit[]> {
    return this.#read((db) => vectors.searchVectors(db, this.namespace, query));
  }
  getVectors(query: {
    kind: VectorKind;
    provider: string;
    ids: readonly string[];
  }): Promise<Map<string, Float32Array>> {
    return this.#read((db) => vectors.getVectors(db, this.namespace, query));
  }
  staleVectorIds(query: { kind: VectorKind; provider: string; limit: number }): Promise<string[]> {
    return this.#read((db) => vectors.staleVectorIds(db, this.namespace, query));
  }
  countVectors(
    provider: string,
  ): Promise<{ episodes: number; patterns: number; staleEpisodes: number; stalePatterns: number }> {
    return this.#read((db) => vectors.countVectors(db, this.namespace, provider));
  }
  getCachedEmbeddings(provider: string, textHashes: readonly string[]): Promise<Map<string, Float32Array>> {
    return this.#read((db) => vectors.getCachedEmbeddings(db, provider, textHashes));
  }
  putCachedEmbeddings(provider: string, entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    // One statement: atomic by itself.
    return this.#read((db) => vectors.putCachedEmbeddings(db, provider, entries));
  }
  writeGeneration(): Promise<number> {
    return this.#read(async (db) => {
      const { rows } = await db.query<{ value: number }>(
        "SELECT value FROM meta WHERE key = 'write_generation'",
      );
      return rows[0]?.value ?? 0;
    });
  }
  getTuning(): Promise<string | null> {
    return this.#read(async (db) => {
      const { rows } = await db.query<{ body: string }>('SELECT body FROM tuning WHERE namespace = $1', [
        this.namespace,
      ]);
      return rows[0]?.body ?? null;
    });
  }
  getPattern(id: string): Promise<Pattern | null> {
    return this.#read((db) => reads.getPattern(db, this.namespace, id));
  }
  getPatterns(ids: readonly string[]): Promise<Pattern[]> {
    return this.#read((db) => reads.getPatterns(db, this.namespace, ids));
  }
  listPatterns(filter: PatternFilter): Promise<Pattern[]> {
    return this.#read((db) => reads.listPatterns(db, this.namespace, filter));
  }
  getHeuristics(ids: readonly string[]): Promise<Heuristic[]> {
    return this.#read((db) => reads.getHeuristics(db, this.namespace, ids));
  }
  listHeuristics(filter: HeuristicFilter): Promise<Heuristic[]> {
    return this.#read((db) => reads.listHeuristics(db, this.namespace, filter));
  }
  listFeedback(query: { limit: number }): Promise<Feedback[]> {
    return this.#read((db) => collab.listFeedback(db, this.namespace, query));
  }
  listCheckpoints(episodeId: string): Promise<Checkpoint[]> {
    return this.#read((db) => collab.listCheckpoints(db, this.namespace, episodeId));
  }
  listLinks(episodeId: string): Promise<Link[]> {
    return this.#read((db) => collab.listLinks(db, this.namespace, episodeId));
  }
  stats(): Promise<StorageStats> {
    return this.#read((db) => stats(db, this.namespace));
  }
  progress(filter: ProgressFilter): Promise<Progress> {
    return this.#read((db) => progress(db, this.namespace, filter));
  }
  async backup(_target: string): Promise<SnapshotInfo> {
    throw new MemoryError(
      'INVALID_INPUT',
      'backup writes a SQLite file and works on the embedded store; for PostgreSQL use pg_dump (or slmem export)',
    );
  }

  /** Ends the pool once; later calls fail with STORAGE_ERROR. */
  close(): Promise<void> {
    this.#closed ??= this.#pool.end();
    return this.#closed;
  }

  /**
   * A read on any pooled connection (autocommit: it sees every committed write); errors become coded. A read
   * whose connection broke (a pooled connection that died while idle) runs once more on a new one.
   */
  /**
   * A read on any pooled connection. When the server ended connections (a restart, a failover), every idle one
   * in the pool may be dead before the pool hears of it: try again on another, once per connection the pool
   * may hold, giving it a turn of the event loop to drop the dead ones.
   */
  async #read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const attempts = this.#pool.options.max + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(this.#pool as unknown as Db);
      } catch (error) {
        if (attempt >= attempts || !isConnectionLoss(error) || this.#closed)
          throw toStorageError(error, this.#target);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw toStorageError(error, this.#target);
    }
  }
}
