import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Episode, Learn } from '../../src/core/index.js';
import { MemoryError } from '../../src/core/index.js';
import { planLearning } from '../../src/learning/index.js';
import type { StorageBackend } from '../../src/storage/index.js';
import { openPostgresStorage, PgPort } from '../../src/storage/postgres/index.js';
import { describeTarget, toStorageError } from '../../src/storage/postgres/pg-errors.js';
import { MIGRATIONS } from '../../src/storage/postgres/pg-migrations.js';
import { poolConfig } from '../../src/storage/postgres/pg-port.js';
import { Params } from '../../src/storage/postgres/pg-reads.js';
import { hnswIndexName, searchSql } from '../../src/storage/postgres/pg-vectors.js';
import { episode, runStorageContract, step } from './storage-contract.js';

/** A database of a server with pgvector, e.g. postgres://slmem:slmem@127.0.0.1:54329/slmem_test (see scripts/setup-postgres.sh). */
const URL_ = process.env.SLMEM_TEST_POSTGRES_URL;
const skip = !URL_;
const url = URL_ ?? '';

const schemas = new Set<string>();
function freshSchema(): string {
  const schema = `slmem_t_${randomBytes(6).toString('hex')}`;
  schemas.add(schema);
  return schema;
}

const stores = new WeakMap<StorageBackend, string>();
async function openFresh(namespace?: string): Promise<StorageBackend> {
  const schema = freshSchema();
  const store = await openPostgresStorage(url, { schema, ...(namespace ? { namespace } : {}) });
  stores.set(store, schema);
  return store;
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (skip || schemas.size === 0) return;
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
});

const learnIn =
  (namespace: string): Learn =>
  (e) =>
    planLearning(e, { namespace });

function finished(overrides: Partial<Episode>, tools: string[]): Episode {
  return {
    ...episode(overrides),
    steps: tools.map((tool, i) => ({ ...step(tool), seq: i + 1 })),
    outcome: { status: 'success', verdict: 'done', artifacts: [] },
    endedAt: '2026-11-01T10:05:00.000Z',
  };
}

async function codeOf(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

/** A local port where nothing listens. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function withUrl(change: (u: URL) => void): string {
  const u = new URL(url);
  change(u);
  return u.toString();
}

const NAME = skip
  ? 'postgres: skipped (set SLMEM_TEST_POSTGRES_URL to a database with pgvector; scripts/setup-postgres.sh makes one)'
  : 'postgres';

describe.skipIf(skip)(NAME, () => {
  runStorageContract(
    'postgres',
    () => openFresh(),
    async (storage) => openPostgresStorage(url, { schema: stores.get(storage)! }),
  );

  describe('postgres specifics', () => {
    it('commits durably on its own connections whatever the server says, unless told synchronousCommit: false', async () => {
      const setting = async (options: Parameters<typeof poolConfig>[1]) => {
        const pool = new pg.Pool(poolConfig(url, options));
        try {
          const { rows } = await pool.query<{ now: string; server: string }>(
            "SELECT current_setting('synchronous_commit') AS now, reset_val AS server FROM pg_settings WHERE name = 'synchronous_commit'",
          );
          return rows[0];
        } finally {
          await pool.end();
        }
      };
      // The test server runs with synchronous_commit = off (scripts/setup-postgres.sh), as a user's may.
      expect(await setting({})).toEqual({ now: 'on', server: 'off' });
      expect((await setting({ synchronousCommit: false }))?.now).toBe('off');
      expect((await setting({ schema: freshSchema() }))?.now).toBe('on');
    });

    it('lets several pools open a new schema at once (migrations under an advisory lock)', async () => {
      const schema = freshSchema();
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresStorage(url, { schema, poolSize: 2 })),
      );
      try {
        await opened[0]!.createEpisode(episode());
        for (const store of opened) expect((await store.stats()).episodes).toBe(1);
        const versions = await withClient(
          async (c) => (await c.query(`SELECT version FROM "${schema}".slmem_schema`)).rows,
        );
        expect(versions).toEqual(MIGRATIONS.map((_, i) => ({ version: i + 1 })));
      } finally {
        await Promise.all(opened.map((s) => s.close()));
      }
    });

    it('lets several processes open a new schema at once', async () => {
      const schema = freshSchema();
      const dir = mkdtempSync(join(tmpdir(), 'slmem-pg-open-'));
      try {
        const script = join(dir, 'open.mts');
        const entry = resolve('src/storage/postgres/index.ts');
        writeFileSync(
          script,
          `import { openPostgresStorage } from ${JSON.stringify(entry)};
           const [url, schema, id] = process.argv.slice(2);
           const store = await openPostgresStorage(url, { schema, poolSize: 1 });
           await store.createEpisode({ id, task: 'open at once', taskType: 'debugging',
             context: { domain: 'web', complexity: 'simple', tags: [] }, tags: [], metadata: {},
             startedAt: new Date().toISOString(), steps: [], patternIds: [], heuristicIds: [] });
           await store.close();
           process.stdout.write('ok');`,
        );
        const run = promisify(execFile);
        const ids = [episode().id, episode().id, episode().id];
        const outputs = await Promise.all(
          ids.map((id) =>
            run(process.execPath, ['--import', 'tsx', script, url, schema, id], { timeout: 60_000 }),
          ),
        );
        expect(outputs.map((o) => o.stdout)).toEqual(['ok', 'ok', 'ok']);
        const store = await openPostgresStorage(url, { schema });
        try {
          expect((await store.stats()).episodes).toBe(3);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses a schema newer than it knows', async () => {
      const store = await openFresh();
      const schema = stores.get(store)!;
      await store.close();
      await withClient((c) => c.query(`INSERT INTO "${schema}".slmem_schema (version) VALUES (99)`));
      const error = await codeOf(openPostgresStorage(url, { schema }));
      expect(error.code).toBe('STORAGE_ERROR');
      expect(error.message).toContain('upgrade slmem');
    });

    it('says what to check when it cannot log in, reach the server or find the database', async () => {
      const badPassword = withUrl((u) => {
        u.password = 'not-the-Secret-42';
      });
      const login = await codeOf(openPostgresStorage(badPassword, { schema: freshSchema() }));
      expect(login.code).toBe('STORAGE_ERROR');
      expect(login.message).toContain(new URL(url).username);
      expect(login.message).not.toContain('not-the-Secret-42');

      const port = await deadPort();
      const refused = await codeOf(
        openPostgresStorage(
          withUrl((u) => {
            u.port = String(port);
          }),
        ),
      );
      expect(refused.code).toBe('STORAGE_ERROR');
      expect(refused.message).toContain(`127.0.0.1:${port}`);
      expect(refused.message).not.toContain(new URL(url).password || '\u0000');

      const missing = await codeOf(
        openPostgresStorage(
          withUrl((u) => {
            u.pathname = '/slmem_no_such_db';
          }),
        ),
      );
      expect(missing.code).toBe('STORAGE_ERROR');
      expect(missing.message).toContain('slmem_no_such_db');
    });

    it('maps a duplicate episode id to CONFLICT, even from another namespace', async () => {
      const a = await openFresh('a');
      const b = await openPostgresStorage(url, { schema: stores.get(a)!, namespace: 'b' });
      try {
        const e = episode();
        await a.createEpisode(e);
        expect((await codeOf(a.createEpisode(e))).code).toBe('CONFLICT');
        expect((await codeOf(b.createEpisode(e))).code).toBe('CONFLICT');
        expect(await b.getEpisode(e.id)).toBeNull();
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('refuses backup with a pointer to pg_dump', async () => {
      const store = await openFresh();
      try {
        const error = await codeOf(store.backup('/tmp/x.db'));
        expect(error.code).toBe('INVALID_INPUT');
        expect(error.message).toContain('pg_dump');
      } finally {
        await store.close();
      }
    });

    it('keeps namespaces apart on one schema', async () => {
      const a = await openFresh('a');
      const b = await openPostgresStorage(url, { schema: stores.get(a)!, namespace: 'b' });
      try {
        const inA = finished({ task: 'Deploy the billing service' }, ['build', 'deploy']);
        const inB = finished({ task: 'Deploy the billing service' }, ['build', 'deploy']);
        expect((await a.importEpisodes([inA], learnIn('a')))[0]?.ok).toBe(true);
        expect((await b.importEpisodes([inB], learnIn('b')))[0]?.ok).toBe(true);

        expect((await a.listEpisodes({})).map((e) => e.id)).toEqual([inA.id]);
        expect(await a.getEpisode(inB.id)).toBeNull();
        expect((await b.searchEpisodes({ text: 'billing', limit: 5 })).map((h) => h.id)).toEqual([inB.id]);
        expect(await a.recentEpisodeIds({ limit: 5 })).toEqual([inA.id]);

        const keysA = (await a.listPatterns({ limit: 100 })).map((p) => p.key).sort();
        const keysB = (await b.listPatterns({ limit: 100 })).map((p) => p.key).sort();
        expect(keysA.length).toBeGreaterThan(0);
        expect(keysB).toEqual(keysA);
        const idsA = new Set((await a.listPatterns({ limit: 100 })).map((p) => p.id));
        expect((await b.listPatterns({ limit: 100 })).some((p) => idsA.has(p.id))).toBe(false);
        const hitsA = await a.searchPatterns({ text: 'deploy', limit: 20 });
        expect(hitsA.length).toBeGreaterThan(0);
        expect(hitsA.every((h) => idsA.has(h.id))).toBe(true);
        const rows = await withClient(
          async (c) =>
            (
              await c.query(
                `SELECT namespace, count(*)::int AS n FROM "${stores.get(a)}".patterns WHERE key = $1 GROUP BY 1 ORDER BY 1`,
                [keysA[0]],
              )
            ).rows,
        );
        expect(rows).toEqual([
          { namespace: 'a', n: 1 },
          { namespace: 'b', n: 1 },
        ]);

        const counts = await a.toolCounts({ features: ['deploy'] });
        expect(counts.find((c) => c.tool === 'deploy')?.successes).toBe(1);
        expect((await a.stats()).episodes).toBe(1);
        expect((await b.stats()).episodes).toBe(1);
        expect((await a.stats()).patterns).toBe((await b.stats()).patterns);

        const v = Float32Array.from([1, 0, 0]);
        await a.putVectors([{ kind: 'episode', id: inA.id, provider: 'p', textHash: 'h', vector: v }]);
        await b.putVectors([{ kind: 'episode', id: inB.id, provider: 'p', textHash: 'h', vector: v }]);
        const found = await a.searchVectors({ kind: 'episode', provider: 'p', vector: v, limit: 5 });
        expect(found.map((h) => h.id)).toEqual([inA.id]);
        expect((await b.countVectors('p')).episodes).toBe(1);
        expect(await a.getVectors({ kind: 'episode', provider: 'p', ids: [inB.id] })).toEqual(new Map());
        expect(await a.namespaces()).toEqual(['a', 'b']);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('counts every completion when two pools learn the same patterns at once', async () => {
      const a = await openFresh();
      const b = await openPostgresStorage(url, { schema: stores.get(a)! });
      try {
        const episodes = Array.from({ length: 12 }, () => episode({ task: 'Fix the flaky login test' }));
        await Promise.all(episodes.map((e) => a.createEpisode(e)));
        await Promise.all(
          episodes.map(async (e, i) => {
            const store = i % 2 === 0 ? a : b;
            await store.appendStep(e.id, step('grep'), 10);
            await store.appendStep(e.id, step('edit'), 10);
            await store.completeEpisode(
              e.id,
              { status: 'success', verdict: 'ok', artifacts: [] },
              '2026-11-01T10:05:00.000Z',
              (x) => planLearning(x),
            );
          }),
        );
        const sequences = await a.listPatterns({ type: 'tool_sequence' });
        const grepEdit = sequences.find((p) => p.data.type === 'tool_sequence' && p.data.steps.length === 2);
        expect(grepEdit?.occurrences).toBe(12);
        expect((await a.toolCounts({ features: ['*'] })).find((c) => c.tool === 'grep')?.successes).toBe(12);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('answers the candidate reads in one statement each, as the single reads would', async () => {
      const store = await openFresh();
      try {
        const episodes = [
          finished({ task: 'Fix the failing login test' }, ['grep', 'edit', 'test']),
          finished({ task: 'Deploy the login service' }, ['build', 'deploy']),
          finished({ task: 'Write the billing docs', context: { ...episode().context, domain: 'docs' } }, [
            'write',
          ]),
        ];
        await store.importEpisodes(episodes, (x) => planLearning(x));
        const v = (...xs: number[]) => Float32Array.from(xs);
        await store.putVectors(
          episodes.map((e, i) => ({
            kind: 'episode',
            id: e.id,
            provider: 'p',
            textHash: 'h',
            vector: v(1, i, 0),
          })),
        );
        const query = {
          text: { text: 'login test', limit: 10 },
          vector: { provider: 'p', vector: v(1, 0.5, 0), limit: 10 },
          recent: { domain: 'web', limit: 10 },
          toolCounts: { features: ['*', 'login'] },
        };
        const hits = await store.findCandidates(query);
        expect(hits).toEqual({
          lexical: await store.searchEpisodes(query.text),
          similar: await store.searchVectors({ kind: 'episode', ...query.vector }),
          recent: await store.recentEpisodeIds(query.recent),
          toolCounts: await store.toolCounts(query.toolCounts),
        });
        expect(hits.lexical.length).toBeGreaterThan(0);
        expect(await store.findCandidates({})).toEqual({
          lexical: [],
          similar: [],
          recent: [],
          toolCounts: [],
        });

        const ids = [episodes[2]!.id, 'missing', episodes[0]!.id];
        const facts = await store.candidateFacts({ ids, usedTools: true, vectorsOf: 'p' });
        const chosen = await store.loadChosen({ ids });
        const got = await store.getEpisodes(ids);
        expect(chosen.episodes).toEqual(got);
        expect(facts.episodes.map((f) => f.id)).toEqual(got.map((e) => e.id));
        expect(facts.usedTools).toEqual(await store.usedTools(ids));
        expect(chosen.patterns).toEqual(
          await store.getPatterns([...new Set(got.flatMap((e) => e.patternIds))]),
        );
        expect(chosen.patterns.length).toBeGreaterThan(0);
        expect(chosen.heuristics).toEqual(
          await store.getHeuristics([...new Set(got.flatMap((e) => e.heuristicIds))]),
        );
        expect(facts.vectors).toEqual(await store.getVectors({ kind: 'episode', provider: 'p', ids }));
        expect((await store.candidateFacts({ ids })).usedTools.size).toBe(0);
      } finally {
        await store.close();
      }
    });

    it('carries on after the server drops its idle connections (reads and writes retry on a new one)', async () => {
      const name = `slmem_drop_${randomBytes(4).toString('hex')}`;
      const schema = freshSchema();
      const store = await openPostgresStorage(
        withUrl((u) => {
          u.searchParams.set('application_name', name);
        }),
        { schema, poolSize: 3 },
      );
      try {
        const e = episode();
        await store.createEpisode(e);
        // Fill the pool with idle connections, then have the server end them.
        await Promise.all([store.stats(), store.stats(), store.getEpisode(e.id)]);
        const ended = await withClient(
          async (c) =>
            (
              await c.query(
                'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
                [name],
              )
            ).rows[0].n,
        );
        expect(ended).toBeGreaterThan(0);
        expect((await store.getEpisode(e.id))?.id).toBe(e.id);
        await Promise.all([store.appendStep(e.id, step('grep'), 10), store.stats(), store.stats()]);
        expect((await store.getEpisode(e.id))?.steps).toHaveLength(1);
      } finally {
        await store.close();
      }
    });

    it('runs a transaction again when PostgreSQL picks it as a deadlock victim', async () => {
      const store = await openFresh();
      const schema = stores.get(store)!;
      const [a, b] = [episode(), episode()];
      await store.createEpisode(a);
      await store.createEpisode(b);
      await store.close();
      const pool = new pg.Pool({
        connectionString: url,
        max: 4,
        onConnect: async (c) => {
          await c.query(`SET search_path TO "${schema}", public`);
        },
      });
      const port = new PgPort(pool, describeTarget(url), 'default');
      try {
        let arrived = 0;
        let release: () => void = () => undefined;
        const bothLocked = new Promise<void>((resolve) => {
          release = resolve;
        });
        let attempts = 0;
        // Each locks one episode, waits until the other has locked its own, then wants the other's.
        const crosswise = (first: string, second: string) =>
          port.transaction(async (tx) => {
            attempts++;
            await tx.lockEpisode(first);
            if (++arrived === 2) release();
            await bothLocked;
            return (await tx.lockEpisode(second))?.id;
          });
        expect(await Promise.all([crosswise(a.id, b.id), crosswise(b.id, a.id)])).toEqual([b.id, a.id]);
        // At least one run again (the victim); both then finish.
        expect(attempts).toBeGreaterThanOrEqual(3);

        let tries = 0;
        const error = await codeOf(
          port.transaction(async () => {
            tries++;
            throw Object.assign(new Error('could not serialize access'), { code: '40001' });
          }),
        );
        expect(error.code).toBe('STORAGE_ERROR');
        expect(tries).toBe(5);
      } finally {
        await port.close();
      }
    });

    it('makes an HNSW index per provider and dimension that the search can use', async () => {
      const store = await openFresh();
      const schema = stores.get(store)!;
      try {
        const episodes = Array.from({ length: 20 }, (_, i) => finished({ task: `task ${i}` }, ['a']));
        await store.importEpisodes(episodes, (x) => planLearning(x));
        const unit = (i: number) => Float32Array.from({ length: 8 }, (_, j) => Math.cos(i * 0.37 + j * 1.3));
        await store.putVectors(
          episodes.map((e, i) => ({
            kind: 'episode',
            id: e.id,
            provider: "it's",
            textHash: 'h',
            vector: unit(i),
          })),
        );
        const plan = await withClient(async (c) => {
          await c.query(`SET search_path TO "${schema}", public`);
          await c.query('SET enable_seqscan = off');
          const p = new Params();
          const sql = searchSql(p, 'default', {
            kind: 'episode',
            provider: "it's",
            vector: unit(3),
            limit: 5,
          });
          const explained = await c.query(`EXPLAIN ${sql}`, p.values);
          return explained.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        });
        process.stderr.write(`EXPLAIN of the vector search (seqscan off):\n${plan}\n`);
        expect(plan).toContain(hnswIndexName("it's", 8));
        const hits = await store.searchVectors({
          kind: 'episode',
          provider: "it's",
          vector: unit(3),
          limit: 3,
        });
        expect(hits[0]?.id).toBe(episodes[3]!.id);
        expect(hits[0]?.score).toBeCloseTo(1);
      } finally {
        await store.close();
      }
    });
  });
});

describe('postgres error mapping (no server needed)', () => {
  const target = describeTarget('postgres://alice:s3cr%3At@db.example:6543/mem');
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('reads host, port, user and database from the URL, keeping the password only to cut it out', () => {
    expect(target).toMatchObject({ host: 'db.example', port: '6543', user: 'alice', database: 'mem' });
    const error = toStorageError(new Error('failed for postgres://alice:s3cr:t@db.example'), target);
    expect(error.message).not.toContain('s3cr:t');
  });

  it('says what to check for each failure, never INTERNAL', () => {
    const cases: Array<[unknown, string, string]> = [
      [pgError('23505', 'duplicate key value violates unique constraint'), 'CONFLICT', 'already exists'],
      [
        pgError('ECONNREFUSED', 'connect ECONNREFUSED'),
        'STORAGE_ERROR',
        'cannot reach PostgreSQL at db.example:6543',
      ],
      [
        pgError('57P01', 'terminating connection due to administrator command'),
        'STORAGE_ERROR',
        'cannot reach',
      ],
      [new Error('Connection terminated unexpectedly'), 'STORAGE_ERROR', 'cannot reach'],
      [pgError('28P01', 'password authentication failed for user "alice"'), 'STORAGE_ERROR', 'user "alice"'],
      [pgError('3D000', 'database "mem" does not exist'), 'STORAGE_ERROR', 'database "mem" does not exist'],
      [pgError('0A000', 'extension "vector" is not available'), 'STORAGE_ERROR', 'pgvector is not installed'],
      [pgError('42501', 'permission denied to create extension "vector"'), 'STORAGE_ERROR', 'pgvector'],
      [pgError('42704', 'type "vector" does not exist'), 'STORAGE_ERROR', 'CREATE EXTENSION vector'],
      [new Error('anything else'), 'STORAGE_ERROR', 'anything else'],
    ];
    for (const [cause, code, text] of cases) {
      const error = toStorageError(cause, target);
      expect(error).toBeInstanceOf(MemoryError);
      expect(error.code).toBe(code);
      expect(error.message).toContain(text);
    }
    const own = new MemoryError('NOT_FOUND', 'episode x does not exist');
    expect(toStorageError(own, target)).toBe(own);
  });
});
