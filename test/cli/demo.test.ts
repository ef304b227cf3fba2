import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, slmemJson, tempDb } from './run-cli.js';

afterAll(() => removeTempDirs());

interface DemoJson {
  db: string;
  temporary: boolean;
  learning: {
    imported: number;
    episodes: number;
    patterns: number;
    heuristics: number;
    embeddings: string | null;
  };
  task: { split: string; index: number; instruction: string };
  episodes: Array<{ id: string; score: number; why: string }>;
  playbook: { steps: Array<{ tool: string }>; confidence: number };
  expert: { steps: Array<{ tool: string; match: string }> };
}

describe('slmem demo', () => {
  it('learns from the 500 train tasks and advises on a held-back test task', async () => {
    const { db } = tempDb();
    // The hashing embedder keeps this fast; test/memory/hybrid.test.ts runs the real model end to end.
    const demo = await slmemJson<DemoJson>(['--db', db, 'demo']);
    expect(demo).toMatchObject({ db, temporary: false, learning: { imported: 500, episodes: 500 } });
    expect(demo.learning.patterns).toBeGreaterThan(0);
    expect(demo.learning.embeddings).toBe('hash-v1-384');
    expect(demo.episodes[0]?.why).toMatch(/similar meaning/);
    expect(demo.task).toMatchObject({ split: 'test', index: 70 });
    expect(demo.episodes).toHaveLength(5);
    expect(demo.playbook.steps.length).toBeGreaterThanOrEqual(1);
    expect(demo.expert.steps.map((s) => s.tool)).toEqual(['exchange_delivered_order_items']);
  });
});

describe('slmem demo without --db', () => {
  it("uses a fresh temporary database, never the user's own", async () => {
    const { dir } = tempDb();
    const own = join(dir, 'own.db');
    const demo = await slmemJson<DemoJson>(['demo', '--task-index', '71'], { env: { SLMEM_DB: own } });
    expect(demo.temporary).toBe(true);
    expect(demo.db.startsWith(tmpdir())).toBe(true);
    expect(existsSync(own)).toBe(false);
    expect(demo.task.index).toBe(71);
    removeTempDirs(dirname(demo.db));
  });
});
