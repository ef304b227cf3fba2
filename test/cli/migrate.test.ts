import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTauRetail, tauTaskToRecord } from '../../src/datasets/index.js';
import { openStorage, type StorageBackend } from '../../src/storage/index.js';
import { dropSchemas, tempSqliteDb, testBackends } from '../backends.js';
import { removeTempDirs, slmem, slmemJson, tempDb } from './run-cli.js';

/**
 * `slmem migrate` copies a memory as it is stored. The source is a real SQLite file written by the CLI: two
 * namespaces of completed episodes, an episode in progress with steps and a checkpoint, a link and feedback.
 * It is copied into each backend (file → file, and file → PostgreSQL when SLMEM_TEST_POSTGRES_URL is set), and
 * from there back into a file, and every copy must hold what the source holds.
 */
const NAMESPACES = ['default', 'team-b'];
const TASK = 'The customer wants to exchange a pair of boots for a larger size';

let source = '';
let inProgress = '';

afterAll(async () => {
  removeTempDirs();
  await dropSchemas();
});

/** `slmem --db DB --namespace NS …args --json`, parsed. */
function cli<T>(db: string, namespace: string, ...args: string[]): Promise<T> {
  return slmemJson<T>(['--db', db, '--namespace', namespace, ...args]);
}

beforeAll(async () => {
  const { dir, db } = tempDb();
  source = db;
  const train = (await loadTauRetail()).filter((t) => t.split === 'train').slice(0, 20);
  // Ids are unique across the whole store, so each namespace gets tasks of its own.
  for (const [n, namespace] of NAMESPACES.entries()) {
    const file = join(dir, `${namespace}.jsonl`);
    const records = train.slice(n * 10, n * 10 + 10).map((task, i) => tauTaskToRecord(task, n * 10 + i));
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));
    await cli(db, namespace, 'import', file, '--no-embed');
    const [pattern] = await cli<Array<{ id: string }>>(db, namespace, 'pattern', 'list', '--limit', '1');
    await cli(db, namespace, 'feedback', '--patterns', pattern!.id, n === 0 ? '--success' : '--failure');
  }
  inProgress = (
    await cli<{ id: string }>(db, 'default', 'episode', 'start', '--task', TASK, '--domain', 'retail')
  ).id;
  await cli(
    db,
    'default',
    'episode',
    'log-step',
    inProgress,
    '--tool',
    'find_user_id_by_email',
    '--action',
    'look up the customer',
  );
  await cli(
    db,
    'default',
    'episode',
    'log-step',
    inProgress,
    '--tool',
    'get_order_details',
    '--action',
    'read the order',
  );
  await cli(db, 'default', 'episode', 'checkpoint', inProgress, '--note', 'order found', '--progress', '0.4');
  const [first] = await cli<Array<{ id: string }>>(
    db,
    'default',
    'episode',
    'list',
    '--outcome',
    'success',
    '--limit',
    '1',
  );
  await cli(
    db,
    'default',
    'link',
    'add',
    inProgress,
    first!.id,
    '--type',
    'follows',
    '--note',
    'same customer',
  );
}, 120_000);

/** Everything a namespace holds, read in-process from the store (vectors aside: they are embedded again). */
async function contents(db: string, namespace: string) {
  const store = await openStorage(db, { namespace });
  try {
    const listed = await store.listEpisodes({ order: 'oldest', limit: 10_000 });
    const ids = listed.map((e) => e.id);
    const { averageReward, ...stats } = await store.stats();
    return {
      stats,
      averageReward,
      episodes: await store.getEpisodes(ids, { steps: true }),
      patterns: await store.listPatterns({ limit: 10_000 }),
      heuristics: await store.listHeuristics({ limit: 10_000 }),
      feedback: await store.listFeedback({ limit: 10_000 }),
      checkpoints: await Promise.all(ids.map((id) => store.listCheckpoints(id))),
      links: await Promise.all(ids.map((id) => store.listLinks(id))),
      toolCounts: sortedCounts(await store.toolCounts({ features: ['*'] })),
    };
  } finally {
    await store.close();
  }
}

function sortedCounts(counts: Awaited<ReturnType<StorageBackend['toolCounts']>>) {
  return [...counts].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function expectSameMemory(copy: string): Promise<void> {
  for (const namespace of NAMESPACES) {
    const [want, got] = await Promise.all([contents(source, namespace), contents(copy, namespace)]);
    expect(got.stats).toEqual(want.stats);
    expect(got.averageReward).toBeCloseTo(want.averageReward ?? 0, 9);
    expect(got.episodes).toEqual(want.episodes);
    expect(got.patterns).toEqual(want.patterns);
    expect(got.heuristics).toEqual(want.heuristics);
    expect(got.feedback).toEqual(want.feedback);
    expect(got.checkpoints).toEqual(want.checkpoints);
    expect(got.links).toEqual(want.links);
    expect(got.toolCounts).toEqual(want.toolCounts);
  }
}

interface MigrateJson {
  namespaces: Array<{
    namespace: string;
    episodes: number;
    feedback: number;
    checkpoints: number;
    links: number;
  }>;
  embedded: Array<{ namespace: string; episodes: number }> | null;
}

describe.each(testBackends())('slmem migrate into $name', ({ name, db: freshDb }) => {
  let target = '';
  let back = '';

  it('copies every namespace as stored, verified, and embeds it again', async () => {
    target = freshDb();
    const report = await slmemJson<MigrateJson>([
      'migrate',
      '--from',
      source,
      '--to',
      target,
      '--batch',
      '4',
    ]);
    expect(report.namespaces.map((n) => n.namespace)).toEqual(NAMESPACES);
    expect(report.namespaces[0]).toMatchObject({ episodes: 11, feedback: 1, checkpoints: 1, links: 1 });
    expect(report.namespaces[1]).toMatchObject({ episodes: 10, feedback: 1, checkpoints: 0, links: 0 });
    expect(report.embedded?.map((e) => e.episodes)).toEqual([10, 10]);
    await expectSameMemory(target);
  });

  it('refuses a second migration into the same target with CONFLICT and changes nothing', async () => {
    const before = await Promise.all(NAMESPACES.map((n) => contents(target, n)));
    const again = await slmem(['migrate', '--from', source, '--to', target]);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/CONFLICT: namespace "default" of .* already holds episodes \(11\)/);
    expect(again.stdout).toBe('');
    expect(await Promise.all(NAMESPACES.map((n) => contents(target, n)))).toEqual(before);
  });

  it(`copies back out of ${name} into a file, one namespace at a time`, async () => {
    back = tempSqliteDb();
    for (const namespace of NAMESPACES) {
      const report = await slmemJson<MigrateJson>([
        'migrate',
        '--from',
        target,
        '--to',
        back,
        '--namespace',
        namespace,
        '--no-embed',
      ]);
      expect(report.namespaces.map((n) => n.namespace)).toEqual([namespace]);
      expect(report.embedded).toBeNull();
    }
    await expectSameMemory(back);
  });
  it('retrieves the same top episode from the copies', async () => {
    const top = async (db: string) =>
      (
        await cli<{ episodes: Array<{ id: string }> }>(
          db,
          'default',
          'retrieve',
          '--task',
          TASK,
          '--domain',
          'retail',
        )
      ).episodes[0]?.id;
    const want = await top(source);
    expect(want).toBeDefined();
    expect(await top(back)).toBe(want);
    // PostgreSQL ranks words with ts_rank_cd, not BM25: its order may differ, so only the files are compared.
    if (name === 'sqlite') expect(await top(target)).toBe(want);
    else expect(await top(target)).toBeDefined();
  });
});

describe('slmem migrate refuses', () => {
  it('a --from that does not exist, without creating it', async () => {
    const { dir } = tempDb();
    const result = await slmem(['migrate', '--from', join(dir, 'nope.db'), '--to', join(dir, 'to.db')]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/NOT_FOUND: no memory at .*nope\.db to migrate from; check --from/);
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'nope.db'))).toBe(false);
  });

  it('a scheme it does not know, a namespace the source lacks, and a copy onto itself', async () => {
    const { dir } = tempDb();
    const to = join(dir, 'to.db');
    const scheme = await slmem(['migrate', '--from', 'mysql://localhost/db', '--to', to]);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('mysql:// databases are not supported');
    const missing = await slmem(['migrate', '--from', source, '--to', to, '--namespace', 'nobody']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('holds nothing in namespace nobody; it holds default, team-b');
    const self = await slmem(['migrate', '--from', source, '--to', source]);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('--from and --to name the same store');
  });
});
