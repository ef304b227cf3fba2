import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, slmem, slmemJson, tempDb } from '../cli/run-cli.js';

afterAll(() => removeTempDirs());

const record = (task: string, endedAt: string) =>
  JSON.stringify({ task, steps: [{ tool: 'bash', action: 'ls' }], outcome: { status: 'failure' }, endedAt });

describe('slmem backup, restore and prune', () => {
  it('backs up, refuses to restore over a full database without --force, then restores', async () => {
    const { dir, db } = tempDb();
    await slmem(['--db', db, 'import', '--no-embed', '-'], {
      input: `${record('a', '2026-01-01T00:00:00Z')}\n`,
    });
    const snapshot = join(dir, 'snap.db');
    const backup = await slmem(['--db', db, 'backup', snapshot]);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up .*snap\.db: 1 episode, \d+ patterns?, \d+ heuristics?/);
    expect((await slmem(['--db', db, 'backup', snapshot])).code).toBe(5);

    const other = join(dir, 'other.db');
    await slmem(['--db', other, 'import', '--no-embed', '-'], {
      input: `${record('b', '2026-01-01T00:00:00Z')}\n`,
    });
    const refused = await slmem(['--db', other, 'restore', snapshot]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('--force');
    const restored = await slmemJson<{ episodes: number }>(['--db', other, 'restore', '--force', snapshot]);
    expect(restored.episodes).toBe(1);
    const tasks = await slmemJson<Array<{ task: string }>>(['--db', other, 'episode', 'list']);
    expect(tasks.map((t) => t.task)).toEqual(['a']);
  });

  it('prunes by age with --dry-run first, and needs something to prune by', async () => {
    const { db } = tempDb();
    const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    await slmem(['--db', db, 'import', '--no-embed', '-'], {
      input: `${record('old', old)}\n${record('new', recent)}\n`,
    });
    const dry = await slmem(['--db', db, 'prune', '--older-than', '90d', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Would delete 1 episode; 1 left/);
    expect(dry.stdout).toContain('old');
    const real = await slmemJson<{ deleted: Array<{ task: string }> }>([
      '--db',
      db,
      'prune',
      '--older-than',
      '90d',
    ]);
    expect(real.deleted.map((d) => d.task)).toEqual(['old']);
    expect((await slmem(['--db', db, 'prune'])).code).toBe(2);
    expect((await slmem(['--db', db, 'prune', '--older-than', 'soon'])).code).toBe(2);
  });
});
