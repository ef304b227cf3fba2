import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordContentId } from '../../src/index.js';
import { slmem, slmemJson } from '../cli/run-cli.js';
import { openMemory } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-reimport-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = (task: string) => ({
  task,
  steps: [{ tool: 'bash', action: 'ls' }],
  outcome: { status: 'success' },
});

describe('importing the same file again', () => {
  it('derives the id of a record without one from its content, whatever the key order', () => {
    const a = recordContentId({ task: 'a', outcome: { status: 'success', verdict: 'ok' } });
    expect(a).toBe(recordContentId({ outcome: { verdict: 'ok', status: 'success' }, task: 'a' }));
    expect(a).not.toBe(recordContentId({ task: 'b', outcome: { status: 'success', verdict: 'ok' } }));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('after fixing a bad line imports only that line and skips the ones already stored', async () => {
    const memory = await openMemory(join(dir, 'facade.db'));
    const withId = { ...good('has an id'), id: '0190aaaa-0000-7000-8000-0000000000aa' };
    const first = await memory.importEpisodes([good('one'), { task: 'no outcome' }, withId, good('two')]);
    expect(first.imported).toBe(3);
    expect(first.failed.map((f) => f.index)).toEqual([1]);

    const fixed = await memory.importEpisodes([good('one'), good('no outcome'), withId, good('two')]);
    expect(fixed.imported).toBe(1);
    expect(fixed.failed).toEqual([]);
    expect(fixed.skipped.map((s) => s.index)).toEqual([0, 2, 3]);
    expect(fixed.skipped[1]?.episodeId).toBe(withId.id);
    const tasks = (await memory.listEpisodes({ limit: 10 })).map((e) => e.task).sort();
    expect(tasks).toEqual(['has an id', 'no outcome', 'one', 'two']);

    // The same record twice in one import is stored once too.
    const twice = await memory.importEpisodes([good('three'), good('three')]);
    expect([twice.imported, twice.skipped.length]).toEqual([1, 1]);

    const strict = await memory.importEpisodes([good('one')], { onConflict: 'fail' });
    expect(strict.failed.map((f) => f.error.code)).toEqual(['CONFLICT']);
    await memory.close();
  });

  it('slmem import --on-conflict: skip reports the skipped count, fail reports each as CONFLICT', async () => {
    const db = join(dir, 'cli.db');
    const file = join(dir, 'episodes.jsonl');
    writeFileSync(
      file,
      [good('one'), { task: 'broken' }, good('two')].map((r) => JSON.stringify(r)).join('\n'),
    );
    const first = await slmem(['--db', db, '--json', 'import', '--no-embed', file]);
    expect(JSON.parse(first.stdout)).toMatchObject({ imported: 2, skipped: 0 });

    writeFileSync(file, [good('one'), good('broken'), good('two')].map((r) => JSON.stringify(r)).join('\n'));
    const again = await slmemJson<{ imported: number; skipped: number; failed: unknown[] }>([
      '--db',
      db,
      'import',
      '--no-embed',
      file,
    ]);
    expect(again).toMatchObject({ imported: 1, skipped: 2, failed: [] });

    const human = await slmem(['--db', db, 'import', '--no-embed', file]);
    expect(human.stdout).toContain('Skipped 3 episodes already stored');

    const strict = await slmem(['--db', db, '--json', 'import', '--no-embed', '--on-conflict', 'fail', file]);
    const report = JSON.parse(strict.stdout) as { failed: Array<{ line: number; error: { code: string } }> };
    expect(report.failed.map((f) => [f.line, f.error.code])).toEqual([
      [1, 'CONFLICT'],
      [2, 'CONFLICT'],
      [3, 'CONFLICT'],
    ]);
    const list = await slmemJson<unknown[]>(['--db', db, 'episode', 'list']);
    expect(list).toHaveLength(3);
  });
});
