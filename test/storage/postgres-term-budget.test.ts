import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Episode, Learn } from '../../src/core/index.js';
import { planLearning } from '../../src/learning/index.js';
import type { StorageBackend } from '../../src/storage/index.js';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { findCandidates } from '../../src/storage/postgres/pg-candidates.js';
import { type Db, searchEpisodes } from '../../src/storage/postgres/pg-reads.js';
import { dropSchemaPool, schemaPool } from '../backends.js';
import { finished } from './storage-contract.js';

const URL_ = process.env.SLMEM_TEST_POSTGRES_URL;
const ns = 'default';

describe.skipIf(!URL_)('PostgreSQL full-text search within a posting budget', () => {
  const schema = `slmem_t_${randomBytes(6).toString('hex')}`;
  let store: StorageBackend;
  let pool: pg.Pool;
  let db: Db;
  const learn: Learn = (e) => planLearning(e, { namespace: ns });
  const common: Episode[] = Array.from({ length: 6 }, () =>
    finished({ task: 'Deploy the billing service to staging' }, ['shell']),
  );
  const rare = finished({ task: 'Deploy the billing service with a canary rollback' }, ['shell']);

  beforeAll(async () => {
    store = await openPostgresStorage(URL_!, { schema });
    // One episode at a time, so that `seq` follows the order of the array.
    for (const e of [...common, rare]) await store.importEpisodes([e], learn);
    pool = schemaPool(URL_!, schema);
    db = pool as unknown as Db;
  });

  afterAll(async () => {
    await store?.close();
    await dropSchemaPool(pool, schema);
  });

  it('matches only the episodes that hold the rarest words, and ranks them by every word', async () => {
    const text = 'deploy billing service canary rollback';
    const narrow = await searchEpisodes(db, ns, { text, limit: 10 }, 2);
    expect(narrow.map((h) => h.id)).toEqual([rare.id]);
    const wide = await searchEpisodes(db, ns, { text, limit: 10 }, 100);
    expect(wide).toHaveLength(7);
    expect(wide[0]?.id).toBe(rare.id);
    // Ranked by every word: the score a search that matched every episode gives it.
    expect(narrow[0]!.score).toBeCloseTo(wide[0]!.score, 6);
  });

  it('ranks at most the budget of matches when even the rarest word is past it', async () => {
    const hits = await searchEpisodes(db, ns, { text: 'staging', limit: 10 }, 2);
    expect(hits).toHaveLength(2);
    for (const hit of hits) expect(common.map((e) => e.id)).toContain(hit.id);
  });

  it('finds an episode stored after a search for its word found none (a zero count is not kept)', async () => {
    expect(await searchEpisodes(db, ns, { text: 'kubernetes', limit: 10 }, 100)).toEqual([]);
    const later = finished({ task: 'Scale the kubernetes cluster' }, ['shell']);
    await store.importEpisodes([later], learn);
    expect((await searchEpisodes(db, ns, { text: 'kubernetes', limit: 10 }, 100)).map((h) => h.id)).toEqual([
      later.id,
    ]);
  });

  it('takes words the statistics put past the budget as past it, without counting them', async () => {
    await pool.query('ANALYZE episodes');
    // A pool of its own: no word counted yet, so each goes through the statistics or a count.
    const fresh = schemaPool(URL_!, schema);
    try {
      const text = 'deploy billing service canary rollback';
      const hits = await searchEpisodes(fresh as unknown as Db, ns, { text, limit: 10 }, 2);
      expect(hits.map((h) => h.id)).toEqual([rare.id]);
      const common = await fresh.query(
        `SELECT m.lexeme FROM pg_stats s, unnest(s.most_common_elems::text::text[]) AS m(lexeme)
          WHERE s.schemaname = $1 AND s.tablename = 'episodes' AND s.attname = 'fts'`,
        [schema],
      );
      expect(common.rows.map((r) => r.lexeme)).toContain('deploy');
    } finally {
      await fresh.end();
    }
  });

  it('gives the same hits from findCandidates as from the search alone', async () => {
    const text = 'canary rollback for the billing service';
    const alone = await searchEpisodes(db, ns, { text, limit: 5 }, 3);
    const found = await findCandidates(db, ns, { text: { text, limit: 5 } }, 3);
    expect(found.lexical).toEqual(alone);
    expect(found.lexical[0]?.id).toBe(rare.id);
  });
});
