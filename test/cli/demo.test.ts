import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, slmem, slmemJson, tempDb } from './run-cli.js';

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

/** Progress lines, as printed when stderr is a pipe: `label: done/total in 1.2 s`. */
const PHASES = [
  /^Learning from tau-bench retail: 500\/500 in \d/m,
  /^Embedding episodes: 500\/500 in \d/m,
  /^Embedding patterns: \d+\/\d+ in \d/m,
];

describe('slmem demo', () => {
  it('learns from the 500 train tasks and advises on a held-back test task', async () => {
    const { db } = tempDb();
    // The default embeddings (no SLMEM_EMBEDDINGS); test/memory/hybrid.test.ts runs the sentence encoder.
    const result = await slmem(['--db', db, 'demo', '--json'], { env: { SLMEM_EMBEDDINGS: undefined } });
    expect(result.code).toBe(0);
    // stdout is the JSON alone; progress goes to stderr, as plain lines since it is a pipe.
    const demo = JSON.parse(result.stdout) as DemoJson;
    for (const phase of PHASES) expect(result.stderr).toMatch(phase);
    // No redrawn bar: no carriage return, no escape sequence.
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).not.toContain('\u001b');
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

  it('prints the report on stdout and its progress on stderr when piped', async () => {
    const result = await slmem(['demo']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('slmem demo: learning customer service from tau-bench retail\n')).toBe(
      true,
    );
    expect(result.stdout).toMatch(/^ {2}vectors {5}hash-v1-384 · embedded in /m);
    expect(result.stdout).not.toMatch(/Learning from tau-bench retail:|\r/);
    for (const phase of PHASES) expect(result.stderr).toMatch(phase);
    for (const line of result.stderr.trimEnd().split('\n')) {
      expect(line).toMatch(
        /^(Learning from tau-bench retail|Embedding episodes|Embedding patterns): \d+\/\d+ /,
      );
    }
    const db = /temporary database:\n {2}(\S+)\n/.exec(result.stdout)?.[1] ?? '';
    expect(db.startsWith(tmpdir())).toBe(true);
    removeTempDirs(dirname(db));
  });
});
