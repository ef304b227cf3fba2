import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfLearningMemory } from '../../src/index.js';
import { openDatabase, type Sql } from '../../src/storage/sqlite/driver.js';
import { budgetedQuery } from '../../src/storage/sqlite/term-budget.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-term-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (task: string) => ({
  task,
  steps: [{ tool: 'bash', action: 'ls' }],
  outcome: { status: 'success' },
});

/** A statement cache over a second connection to the same file, as the backend keeps one. */
function connect(path: string): { sql: Sql; close: () => void } {
  const db = openDatabase(path);
  const cache = new Map<string, ReturnType<typeof db.prepare>>();
  const sql: Sql = (text) => {
    let statement = cache.get(text);
    if (!statement) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
  return { sql, close: () => db.close() };
}

describe('full-text search within a posting budget', () => {
  const path = join(dir, 'budget.db');
  let memory: SelfLearningMemory;

  beforeAll(async () => {
    memory = await SelfLearningMemory.open({ db: path, embeddings: false, log: () => {} });
    // "invoice" in 40 episodes, "refund" in 8, "kettle" in 2, "zeppelin" in 1.
    const tasks = [
      ...Array.from({ length: 30 }, (_, i) => `Send the invoice number ${i} to accounting`),
      ...Array.from({ length: 8 }, (_, i) => `Refund the invoice of order ${i}`),
      'Return the broken kettle and ask for an invoice',
      'Order a new kettle',
      'Book a zeppelin ride',
    ];
    const report = await memory.importEpisodes(tasks.map(record), { embed: false });
    expect(report.imported).toBe(tasks.length);
  });
  afterAll(() => memory.close());

  it('keeps the rarest words while their document frequencies fit the budget, and ranks by them', async () => {
    const { sql, close } = connect(path);
    try {
      // kettle (2) + refund (8) = 10 fit a budget of 12; invoice (39) does not.
      expect(budgetedQuery(sql, 'episodes_fts', 'refund the kettle invoice', 12)).toEqual({
        match: '"kettle" OR "refund"',
      });
      // With room for everything, every word the store holds is kept, rarest first.
      expect(budgetedQuery(sql, 'episodes_fts', 'refund the kettle invoice', 1_000)).toEqual({
        match: '"kettle" OR "refund" OR "invoice"',
      });
      // Words no episode holds are left out; none at all gives null.
      expect(budgetedQuery(sql, 'episodes_fts', 'zeppelin submarine', 12)).toEqual({ match: '"zeppelin"' });
      expect(budgetedQuery(sql, 'episodes_fts', 'submarine hovercraft', 12)).toBeNull();
      // Even the rarest word is past the budget: that word alone, over its newest rows.
      expect(budgetedQuery(sql, 'episodes_fts', 'invoice', 12)).toEqual({ match: '"invoice"', newest: 12 });
    } finally {
      close();
    }
  });

  it('counts a word again once the store has grown by more than a tenth', async () => {
    const { sql, close } = connect(path);
    try {
      expect(budgetedQuery(sql, 'episodes_fts', 'zeppelin kettle', 2)).toEqual({ match: '"zeppelin"' });
      // Grow the store by far more than a tenth with zeppelins: the cached count of 1 must not stand.
      await memory.importEpisodes(
        Array.from({ length: 20 }, (_, i) => record(`Fly zeppelin ${i} over the bay`)),
        { embed: false },
      );
      expect(budgetedQuery(sql, 'episodes_fts', 'zeppelin kettle', 2)).toEqual({ match: '"kettle"' });
    } finally {
      close();
    }
  });

  it('retrieval still finds the episode that shares the rare word among many that share common ones', async () => {
    const result = await memory.retrieve({ task: 'the kettle invoice', limit: 3 });
    const tasks = result.episodes.map((e) => e.episode.task);
    // The two kettles first; the 39 invoices (a word in nearly every episode) after them.
    expect(tasks.slice(0, 2).sort()).toEqual([
      'Order a new kettle',
      'Return the broken kettle and ask for an invoice',
    ]);
  });
});

describe('a word no episode held yet', () => {
  it('finds the episode that brings it, on the very next search', async () => {
    const path = join(dir, 'zero.db');
    const memory = await SelfLearningMemory.open({
      db: path,
      embeddings: false,
      queryCache: false,
      log: () => {},
    });
    try {
      await memory.importEpisodes(
        Array.from({ length: 30 }, (_, i) => record(`Send invoice ${i}`)),
        { embed: false },
      );
      expect((await memory.retrieve({ task: 'gyroscope' })).episodes).toEqual([]);
      await memory.importEpisodes([record('Calibrate the gyroscope')], { embed: false });
      const found = await memory.retrieve({ task: 'gyroscope' });
      expect(found.episodes.map((e) => e.episode.task)).toEqual(['Calibrate the gyroscope']);
    } finally {
      await memory.close();
    }
  });
});
