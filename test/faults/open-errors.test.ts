import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfLearningMemory } from '../../src/index.js';
import { removeTempDirs, slmem, tempDb } from '../cli/run-cli.js';

afterAll(() => removeTempDirs());

const isRoot = process.getuid?.() === 0;

/** A folder, a text file and a new-file path, in a fresh directory. */
function places(): { folder: string; text: string; fresh: string; dir: string } {
  const { dir, db } = tempDb();
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  const text = join(dir, 'notes.db');
  writeFileSync(text, 'these are my notes, not a database\n'.repeat(200));
  return { folder, text, fresh: db, dir };
}

async function openError(options: Parameters<typeof SelfLearningMemory.open>[0]) {
  return SelfLearningMemory.open({ embeddings: false, ...options }).then(
    () => {
      throw new Error('open succeeded');
    },
    (error: unknown) => error as { code: string; message: string },
  );
}

describe('opening a store that cannot be used', () => {
  it('a folder is a STORAGE_ERROR that suggests a file inside it', async () => {
    const { folder } = places();
    const error = await openError({ db: folder });
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).toContain('is a folder');
    expect(error.message).toContain(join(folder, 'memory.db'));
  });

  it('a file that is not a database is a STORAGE_ERROR naming the file', async () => {
    const { text } = places();
    const error = await openError({ db: text });
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).toContain(`${text} is not a database file`);
  });

  it('a path under a file is a STORAGE_ERROR, not a raw ENOTDIR', async () => {
    const { text } = places();
    const error = await openError({ db: join(text, 'memory.db') });
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).toMatch(/cannot create the folder/);
  });

  it.each(['libsql://memory.turso.io', 'http://localhost:8080', 'https://example.com/db'])(
    '%s says what is supported',
    async (url) => {
      const error = await openError({ db: url });
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/use a file path or file: URL .* or a postgres:\/\/ URL/);
    },
  );

  it('a postgres:// URL where no server listens is a STORAGE_ERROR saying what to check, without the password', async () => {
    const error = await openError({ db: 'postgres://slmem:s3cret@127.0.0.1:1/slmem' });
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).toMatch(/127\.0\.0\.1:1/);
    expect(error.message).not.toMatch(/s3cret/);
  });

  it.skipIf(isRoot)('a folder one may not write is a STORAGE_ERROR (chmod does not stop root)', async () => {
    const { folder } = places();
    chmodSync(folder, 0o555);
    const error = await openError({ db: join(folder, 'memory.db') });
    expect(error.code).toBe('STORAGE_ERROR');
    chmodSync(folder, 0o755);
  });
});

describe('a read-only store', () => {
  async function storeWithOneEpisode(): Promise<{ db: string; id: string }> {
    const { db } = tempDb();
    const memory = await SelfLearningMemory.open({ db, embeddings: false });
    const { id } = await memory.startEpisode({ task: 'Fix the login test', context: { domain: 'web' } });
    await memory.completeEpisode(id, { status: 'success', verdict: 'tests pass' });
    await memory.close();
    return { db, id };
  }

  it('serves reads, and each write fails with STORAGE_ERROR saying it is read-only', async () => {
    const { db, id } = await storeWithOneEpisode();
    const memory = await SelfLearningMemory.open({ db, embeddings: false, readOnly: true });
    expect((await memory.getEpisode(id))?.task).toBe('Fix the login test');
    const found = await memory.retrieve({ task: 'login test fails', context: { domain: 'web' } });
    expect(found.episodes.map((e) => e.episode.id)).toContain(id);
    const error = await memory.startEpisode({ task: 'another', context: { domain: 'web' } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'STORAGE_ERROR' });
    expect(error.message).toMatch(/read-only/);
    await memory.close();
  });

  it('that does not exist is a STORAGE_ERROR, not an empty new file', async () => {
    const { fresh } = places();
    const error = await openError({ db: fresh, readOnly: true });
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).toMatch(/no database at/);
  });

  it.skipIf(isRoot)('is how a file one may not write opens (chmod does not stop root)', async () => {
    const { db, id } = await storeWithOneEpisode();
    chmodSync(db, 0o444);
    const memory = await SelfLearningMemory.open({ db, embeddings: false });
    expect((await memory.getEpisode(id))?.task).toBe('Fix the login test');
    await expect(memory.startEpisode({ task: 'x', context: { domain: 'web' } })).rejects.toMatchObject({
      code: 'STORAGE_ERROR',
    });
    await memory.close();
  });
});

describe('the CLI on a store that cannot be used', () => {
  it('exits 7 with one line for a folder and for a file that is not a database', async () => {
    const { folder, text } = places();
    for (const db of [folder, text]) {
      const result = await slmem(['--db', db, 'stats']);
      expect(result.code).toBe(7);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^slmem: STORAGE_ERROR: .*(is a folder|is not a database file)/);
    }
  });

  // Node's recursive mkdir spins for ever there (ENOENT under /proc, EEXIST for /proc itself).
  it.runIf(existsSync('/proc/self'))('exits 7 at once for a folder that cannot be made (/proc)', async () => {
    const result = await slmem(['--db', '/proc/nope/x.db', 'episode', 'list'], { timeoutMs: 10_000 });
    expect(result.code).toBe(7);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^slmem: STORAGE_ERROR: cannot create the folder \/proc\/nope for the database \/proc\/nope\/x\.db \(ENOENT\); choose a location you may write/,
    );
  });

  it.runIf(existsSync('/proc/self'))(
    'exits 7 saying what to check for a file that cannot be made',
    async () => {
      const result = await slmem(['--db', '/proc/x.db', 'episode', 'list'], { timeoutMs: 10_000 });
      expect(result.code).toBe(7);
      expect(result.stderr).toMatch(
        /^slmem: STORAGE_ERROR: cannot open the database \/proc\/x\.db; check that its folder exists and that you may write there/,
      );
    },
  );

  it('exits 2 with one line naming what is supported for a URL', async () => {
    const result = await slmem(['--db', 'libsql://memory.turso.io', 'stats']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/file path or file: URL .* or a postgres:\/\/ URL/);
  });
});

describe('a file: URL', () => {
  it('with mode=ro opens the file read-only and never creates "q.db?mode=ro"', async () => {
    const { dir, db } = tempDb();
    const setup = await slmem(['--db', db, 'episode', 'start', '--task', 'Fix the login test', '--json']);
    expect(setup.code).toBe(0);
    const url = `file:${db}?mode=ro`;
    const list = await slmem(['--db', url, 'episode', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
    const write = await slmem(['--db', url, 'episode', 'start', '--task', 'another']);
    expect(write.code).toBe(7);
    expect(write.stderr).toMatch(/read-only/);
    // A missing file is an error, not an empty new one.
    const missing = await slmem(['--db', `file:${join(dir, 'new', 'x.db')}?mode=ro`, 'episode', 'list']);
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(/no database at/);
    expect(existsSync(`${db}?mode=ro`)).toBe(false);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('with mode=rw writes a file that exists and refuses to create one', async () => {
    const { dir, db } = tempDb();
    const missing = await openError({ db: `file:${db}?mode=rw` });
    expect(missing.code).toBe('STORAGE_ERROR');
    expect(missing.message).toMatch(/mode=rw opens an existing file only/);
    expect(readdirSync(dir)).toEqual([]);
    await (await SelfLearningMemory.open({ db, embeddings: false })).close();
    const memory = await SelfLearningMemory.open({ db: `file://${db}?mode=rw`, embeddings: false });
    await memory.startEpisode({ task: 'Fix the login test' });
    await memory.close();
  });

  it('with another parameter exits 2 naming it; a plain path with "?" is a file of that name', async () => {
    const { dir } = tempDb();
    const refused = await slmem(['--db', `file:${join(dir, 'x.db')}?cache=shared`, 'episode', 'list']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/INVALID_INPUT: the file: URL parameter "cache" is not supported/);
    expect(readdirSync(dir)).toEqual([]);
    const plain = join(dir, 'what?.db');
    expect((await slmem(['--db', plain, 'episode', 'list'])).code).toBe(0);
    expect(existsSync(plain)).toBe(true);
  });
});
