import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Learn } from '../../src/core/index.js';
import { applyFeedback, planLearning } from '../../src/learning/index.js';
import type { StorageBackend } from '../../src/storage/index.js';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { candidateFacts, loadChosen } from '../../src/storage/postgres/pg-candidates.js';
import type { Db } from '../../src/storage/postgres/pg-reads.js';
import { dropSchemaPool, schemaPool } from '../backends.js';
import { episode, finished } from './storage-contract.js';

const URL_ = process.env.SLMEM_TEST_POSTGRES_URL;
const ns = 'default';

// The single-statement reads against what `Store` composes from the single reads (its reference), on real rows.
describe.skipIf(!URL_)('PostgreSQL candidate reads in one statement', () => {
  const schema = `slmem_t_${randomBytes(6).toString('hex')}`;
  let store: StorageBackend;
  let pool: pg.Pool;
  let db: Db;
  const learn: Learn = (e) => planLearning(e, { namespace: ns });
  const a = finished({ task: 'Fix the login test' }, ['grep', 'edit', 'test'], ['deploy']);
  const b = finished({ task: 'Deploy the billing service' }, ['build', 'deploy', 'build']);
  const c = {
    ...finished({ task: 'Write the release notes' }, []),
    context: { ...episode().context, language: undefined },
  };
  const ids = [b.id, 'ep_missing', a.id, c.id];

  beforeAll(async () => {
    store = await openPostgresStorage(URL_!, { schema });
    await store.importEpisodes([a, b, c], learn);
    const [pattern] = await store.listPatterns({ type: 'tool_sequence' });
    await store.recordFeedback(
      {
        id: 'fb_1',
        patternIds: [pattern!.id],
        playbookSteps: [],
        success: true,
        at: '2026-11-02T00:00:00.000Z',
      },
      (x) => applyFeedback(x, true),
    );
    await store.putVectors([
      { kind: 'episode', id: a.id, provider: 'p1', textHash: 'ha', vector: Float32Array.from([1, 0, 0.5]) },
      { kind: 'episode', id: b.id, provider: 'p2', textHash: 'hb', vector: Float32Array.from([0, 1, 0]) },
    ]);
    pool = schemaPool(URL_!, schema);
    db = pool as unknown as Db;
  });

  afterAll(async () => {
    await store?.close();
    await dropSchemaPool(pool, schema);
  });

  it('reads the facts ranking needs as the composed read does, in the order asked', async () => {
    const query = { ids, usedTools: true, vectorsOf: 'p1' };
    const facts = await candidateFacts(db, ns, query);
    expect(facts).toEqual(await store.candidateFacts(query));
    expect(facts.episodes.map((e) => e.id)).toEqual([b.id, a.id, c.id]);
    expect(facts.usedTools.get(a.id)).toEqual(['edit', 'grep', 'test']);
    expect([...facts.vectors.keys()]).toEqual([a.id]);
    // The feedback moved one pattern of `a` off the neutral 0.5.
    expect(facts.episodes.find((e) => e.id === a.id)?.patternEffectiveness).not.toBe(0.5);
  });

  it('leaves tools, vectors and effectiveness out unless asked, and reads nothing for no ids', async () => {
    const facts = await candidateFacts(db, ns, { ids, effectiveness: false });
    expect(facts.usedTools.size).toBe(0);
    expect(facts.vectors.size).toBe(0);
    expect(facts.episodes).toHaveLength(3);
    expect(facts.episodes.some((e) => 'patternEffectiveness' in e)).toBe(false);
    expect(await candidateFacts(db, ns, { ids: [] })).toEqual({
      episodes: [],
      usedTools: new Map(),
      vectors: new Map(),
    });
  });

  it('loads the chosen episodes whole, with or without steps, as the composed read does', async () => {
    for (const steps of [false, true]) {
      const chosen = await loadChosen(db, ns, { ids, steps });
      expect(chosen).toEqual(await store.loadChosen({ ids, steps }));
      expect(chosen.episodes.map((e) => e.id)).toEqual([b.id, a.id, c.id]);
      expect(chosen.episodes[1]?.steps.length).toBe(steps ? 4 : 0);
      expect(chosen.patterns.length).toBeGreaterThan(0);
    }
    expect(await loadChosen(db, ns, { ids: [] })).toEqual({ episodes: [], patterns: [], heuristics: [] });
  });
});
