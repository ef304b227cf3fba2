import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/driver.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';

const DIST = resolve(import.meta.dirname, '../../dist/index.js');
const dir = mkdtempSync(join(tmpdir(), 'slmem-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that waits for a common instant, then opens `db`: the openings collide as often as they can. */
function openAt(db: string, at: number): Promise<{ code: number; stderr: string }> {
  const script = `
    const { SelfLearningMemory } = await import(${JSON.stringify(DIST)});
    // Sleep, not spin: eight spinning processes on two cores starve the one that holds the lock.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ${at} - Date.now())));
    const memory = await SelfLearningMemory.open({ db: ${JSON.stringify(db)}, embeddings: false });
    await memory.close();`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stderr }));
  });
}

describe('processes opening the same new database at once', () => {
  it('all open it, and the schema is migrated once to the current version', async () => {
    expect(existsSync(DIST)).toBe(true);
    for (let round = 0; round < 3; round++) {
      const db = join(dir, `new-${round}.db`);
      // Time for every process to load the package before the common instant.
      const at = Date.now() + 1_500;
      const results = await Promise.all(Array.from({ length: 8 }, () => openAt(db, at)));
      expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
      const check = openDatabase(db);
      const { user_version } = check.prepare('PRAGMA user_version').get() as { user_version: number };
      expect(user_version).toBe(MIGRATIONS.length);
      check.close();
    }
  }, 60_000);
});
