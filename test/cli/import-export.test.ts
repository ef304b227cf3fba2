import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { logStep, removeTempDirs, slmem, slmemJson, tempDb, writeTauJsonl } from './run-cli.js';

afterAll(async () => {
  removeTempDirs();
  await dropSchemas();
});

const good = (task: string) =>
  JSON.stringify({ task, steps: [{ tool: 'bash', action: 'ls' }], outcome: { status: 'success' } });

describe.each(testBackends())('slmem import on $name', ({ db: freshDb }) => {
  it('reports the lines that are not JSON or not episodes by line number and stores the rest', async () => {
    const { dir } = tempDb();
    const db = freshDb();
    const file = join(dir, 'mixed.jsonl');
    const lines = [
      good('first'),
      '',
      '{"task": "broken',
      JSON.stringify({ task: 'no outcome' }),
      good('last'),
      '',
    ];
    writeFileSync(file, lines.join('\n'));

    const result = await slmem(['--db', db, '--json', 'import', file]);
    expect(result.code).toBe(8);
    const report = JSON.parse(result.stdout) as {
      imported: number;
      failed: Array<{ line: number; error: { code: string; message: string } }>;
    };
    expect(report.imported).toBe(2);
    expect(report.failed.map((f) => [f.line, f.error.code])).toEqual([
      [3, 'INVALID_INPUT'],
      [4, 'INVALID_INPUT'],
    ]);
    expect(report.failed[0]?.error.message).toContain('not valid JSON');
    expect(report.failed[1]?.error.message).toContain('outcome');

    const tasks = (await slmemJson<Array<{ task: string }>>(['--db', db, 'episode', 'list'])).map(
      (e) => e.task,
    );
    expect(tasks.sort()).toEqual(['first', 'last']);
  });

  it('prints a human summary and reads stdin with -', async () => {
    const db = freshDb();
    const result = await slmem(['--db', db, 'import', '-'], {
      input: `${good('a')}\nnot json\n${good('b')}\n`,
    });
    expect(result.code).toBe(8);
    expect(result.stdout).toMatch(/Imported 2 episodes in .+ \(\d+\/s\); 1 failed/);
    expect(result.stdout).toContain('line 2: INVALID_INPUT: not valid JSON');
  });

  it('exits 4 for a file that does not exist', async () => {
    const { dir } = tempDb();
    const db = freshDb();
    const result = await slmem(['--db', db, 'import', join(dir, 'nope.jsonl')]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('NOT_FOUND');
  });
});

describe.each(testBackends())('slmem export on $name', ({ db: freshDb }) => {
  it('round-trips losslessly: export, import into a fresh db, export again gives the same JSONL', async () => {
    const { dir } = tempDb();
    const db = freshDb();
    const source = await writeTauJsonl(dir, 25);
    expect((await slmem(['--db', db, 'import', source])).code).toBe(0);
    // An episode recorded live, with errors, params, tokens and a timeout, must survive too.
    const { id } = await slmemJson<{ id: string }>([
      '--db',
      db,
      'episode',
      'start',
      '--task',
      'live one',
      '--tags',
      'x',
    ]);
    await logStep(db, id, 'bash', 'make', '--error', 'E1', '--tokens', '3');
    await logStep(db, id, 'bash', 'make', '--timeout', '--params', '{"j":4}');
    await slmem(['--db', db, 'episode', 'complete', id, '--outcome', 'failure', '--reason', 'flaky']);

    const first = join(dir, 'first.jsonl');
    const exported = await slmem(['--db', db, 'export', first]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Exported 26 episodes');
    expect(existsSync(`${first}.tmp`)).toBe(false);

    const fresh = freshDb();
    expect((await slmem(['--db', fresh, 'import', first])).code).toBe(0);
    const again = await slmem(['--db', fresh, 'export']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(readFileSync(first, 'utf8'));
    expect(again.stdout.trim().split('\n')).toHaveLength(26);
  });
});
