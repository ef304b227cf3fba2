import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Episode, Learn, Outcome, Step } from '../../src/core/index.js';
import { planLearning, toolEvidenceOf } from '../../src/learning/index.js';
import { type ImportResult, openStorage, type StorageBackend } from '../../src/storage/index.js';
import { dropSchemas, testBackends } from '../backends.js';

/**
 * A batch import does its work once per batch (every key read and written once); what it stores must be
 * exactly what storing and learning from the same episodes one at a time stores.
 */
const learn: Learn = (e) => planLearning(e);

afterAll(dropSchemas);

/** A small seeded generator (mulberry32): the same episodes on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOOLS = ['grep', 'read', 'edit', 'test', 'build', 'deploy', 'lint'];
/** Tool runs that recur, so that patterns are seen again and again. */
const RUNS = [
  ['grep', 'read', 'edit', 'test'],
  ['read', 'edit', 'build', 'deploy'],
  ['lint', 'edit', 'test'],
  ['grep', 'edit'],
];
const WORDS = ['login', 'billing', 'cache', 'report', 'search', 'upload', 'session', 'invoice', 'export'];
const VERBS = ['Fix', 'Add', 'Refactor', 'Speed up', 'Document'];
const ERRORS = [
  'TypeError: cannot read properties of undefined',
  'ENOENT: no such file or directory',
  'timeout after 30s',
  'AssertionError: expected 2 to equal 3',
];

/** Finished episodes that share tasks words, tool sequences, errors and recoveries, in three domains. */
function episodes(count: number, seed: number, from = 0): Episode[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const start = Date.UTC(2026, 10, 1) + i * 60_000;
    const steps: Step[] = [];
    const run = [...pick(RUNS), ...(random() < 0.3 ? [pick(TOOLS)] : [])];
    for (const [s, tool] of run.entries()) {
      const failed = random() < 0.15;
      steps.push({
        seq: steps.length + 1,
        at: new Date(start + steps.length * 1000).toISOString(),
        tool,
        action: `${tool} ${pick(WORDS)}`,
        params: { target: pick(WORDS), n: s },
        result: failed
          ? { status: 'error', message: pick(ERRORS) }
          : { status: 'success', output: `${tool} ok` },
        latencyMs: 50 + Math.floor(random() * 500),
        ...(random() < 0.3 ? { tokens: 100 + s } : {}),
        metadata: random() < 0.2 ? { note: pick(WORDS) } : {},
      });
      // After an error, usually a recovery: the pair that error-recovery patterns and heuristics learn from.
      if (failed && random() < 0.8) {
        steps.push({
          ...steps.at(-1)!,
          seq: steps.length + 1,
          tool: pick(TOOLS),
          result: { status: 'success' },
        });
      }
    }
    const roll = random();
    const outcome: Outcome =
      roll < 0.6
        ? { status: 'success', verdict: 'done', artifacts: [] }
        : roll < 0.85
          ? { status: 'failure', reason: 'tests still fail' }
          : { status: 'partial', verdict: 'half', completed: ['a'], failed: ['b'] };
    return {
      id: `0190${seed.toString(16).padStart(4, '0')}-0000-7000-8000-${i.toString(16).padStart(12, '0')}`,
      task: `${pick(VERBS)} the ${pick(WORDS)} ${pick(WORDS)} in the ${pick(WORDS)} service`,
      taskType: pick(['debugging', 'code_generation', 'refactoring'] as const),
      context: {
        domain: pick(['web', 'data', 'ops']),
        ...(random() < 0.7 ? { language: pick(['typescript', 'python']) } : {}),
        complexity: pick(['simple', 'moderate', 'complex'] as const),
        tags: random() < 0.5 ? [pick(WORDS)] : [],
      },
      tags: random() < 0.5 ? ['imported', pick(WORDS)] : [],
      metadata: { batch: String(seed) },
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + steps.length * 1000 + 500).toISOString(),
      steps,
      outcome,
      patternIds: [],
      heuristicIds: [],
    };
  });
}

/** The reference: each episode stored and then completed on its own, through the completion path. */
async function oneByOne(storage: StorageBackend, list: readonly Episode[]): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  const seen = new Set<string>();
  for (const e of list) {
    const { outcome, endedAt } = e;
    if (!outcome || !endedAt) {
      results.push({ ok: false, error: { code: 'INVALID_INPUT' } } as ImportResult);
      continue;
    }
    try {
      await storage.createEpisode({ ...e, outcome: undefined, endedAt: undefined } as unknown as Episode);
    } catch (error) {
      results.push({ ok: false, error } as ImportResult);
      continue;
    }
    seen.add(e.id);
    const learned = await storage.completeEpisode(e.id, outcome, endedAt, learn);
    results.push({ ok: true, episode: learned.episode });
  }
  return results;
}

/** Everything the store answers about what was imported. */
async function contents(storage: StorageBackend, list: readonly Episode[]) {
  const ids = list.map((e) => e.id);
  const features = [
    ...new Set(list.flatMap((e) => (e.outcome ? toolEvidenceOf({ ...e, outcome: e.outcome }).features : []))),
  ].sort();
  const search = async (text: string) => ({
    episodes: await storage.searchEpisodes({ text, limit: 20 }),
    patterns: await storage.searchPatterns({ text, limit: 20 }),
  });
  return {
    episodes: await storage.getEpisodes(ids, { steps: true }),
    listed: (await storage.listEpisodes({ limit: 1000 })).map((e) => e.id),
    patterns: await storage.listPatterns({ limit: 10_000 }),
    heuristics: await storage.listHeuristics({ limit: 10_000 }),
    stats: await storage.stats(),
    toolCounts: {
      all: await storage.toolCounts({ features }),
      web: await storage.toolCounts({ domain: 'web', features }),
      ops: await storage.toolCounts({ domain: 'ops', features }),
    },
    usedTools: await storage.usedTools(ids),
    search: await Promise.all(
      ['login billing', 'cache service', 'edit test', 'TypeError undefined', 'deploy', 'grep read'].map(
        search,
      ),
    ),
  };
}

const outcomes = (results: readonly ImportResult[]) =>
  results.map((r) => (r.ok ? { ok: true, episode: r.episode } : { ok: false, code: r.error.code }));

describe.each(testBackends())('a batch import on $name', ({ db }) => {
  let batch: StorageBackend;
  let single: StorageBackend;
  beforeEach(async () => {
    batch = await openStorage(db());
    single = await openStorage(db());
  });
  afterEach(async () => {
    await batch.close();
    await single.close();
  });

  it('stores exactly what storing the episodes one by one stores, over learning already stored', async () => {
    // Both stores first learn the same episodes, so the batch merges into stored patterns and heuristics.
    const seed = episodes(12, 1);
    await oneByOne(batch, seed);
    await oneByOne(single, seed);

    const list = episodes(90, 2, 12);
    const noOutcome = { ...episodes(1, 3, 500)[0]!, outcome: undefined, endedAt: undefined };
    const twice = { ...list[7]!, task: 'the same id again' };
    const taken = { ...episodes(1, 1, 3)[0]!, task: 'an id the seed stored' };
    const records = [...list.slice(0, 20), noOutcome, twice, taken, ...list.slice(20)];

    const fromBatch = await batch.importEpisodes(records, learn);
    const fromSingle = await oneByOne(single, records);

    expect(outcomes(fromBatch)).toEqual(outcomes(fromSingle));
    expect(outcomes(fromBatch).filter((r) => !r.ok)).toEqual([
      { ok: false, code: 'INVALID_INPUT' },
      { ok: false, code: 'CONFLICT' },
      { ok: false, code: 'CONFLICT' },
    ]);
    const all = [...seed, ...list];
    const stored = await contents(batch, all);
    expect(stored).toEqual(await contents(single, all));
    // The comparison is not of empty stores: learning happened and merged across episodes.
    expect(stored.stats.completedEpisodes).toBe(102);
    expect(stored.heuristics.length).toBeGreaterThan(3);
    expect(stored.patterns.some((p) => p.occurrences > 5)).toBe(true);
    expect(stored.heuristics.some((h) => h.evidence.length > 2)).toBe(true);
    expect(stored.toolCounts.all.some((c) => c.successes + c.failures > 20)).toBe(true);
    expect(stored.search.every((s) => s.episodes.length > 0)).toBe(true);
  });

  it('leaves out only a record that fails in the store, and stores the rest as one by one would', async () => {
    const list = episodes(30, 4);
    // Two steps with one seq: only the store's primary key finds it, so the batch runs again record by record.
    const bad = list[11]!;
    const clash = { ...bad, steps: [...bad.steps, { ...bad.steps[0]! }] };
    const records = [...list.slice(0, 11), clash, ...list.slice(12)];

    const fromBatch = await batch.importEpisodes(records, learn);
    const fromSingle = await oneByOne(single, records);

    expect(fromBatch.map((r) => r.ok)).toEqual(records.map((r) => r !== clash));
    expect(fromBatch[11]?.ok === false && fromBatch[11].error.code).toBe('CONFLICT');
    expect(outcomes(fromBatch)).toEqual(outcomes(fromSingle));
    expect(await contents(batch, list)).toEqual(await contents(single, list));
    expect(await batch.getEpisode(bad.id)).toBeNull();
  });

  it('moves the write generation once a batch stores anything, and not for a batch of refused records', async () => {
    const [a] = episodes(1, 5);
    const before = await batch.writeGeneration();
    await batch.importEpisodes([{ ...a!, outcome: undefined }], learn);
    expect(await batch.writeGeneration()).toBe(before);
    await batch.importEpisodes([a!], learn);
    expect(await batch.writeGeneration()).not.toBe(before);
  });
});
