import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFolder } from '../../src/storage/folder.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeFolder', () => {
  it('creates the missing parents, and does nothing for a folder that exists', () => {
    const deep = join(dir, 'a', 'b', 'c');
    makeFolder(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeFolder(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('throws EEXIST for a file on the way, as the folder or under it', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'not a folder');
    expect(() => makeFolder(file)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => makeFolder(join(file, 'x', 'y'))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });

  // procfs answers ENOENT to a mkdir under a folder that exists: Node's recursive mkdir loops on it for ever.
  it.runIf(existsSync('/proc/self'))(
    'fails at once where the parent exists but takes no folder (/proc)',
    () => {
      const started = Date.now();
      expect(() => makeFolder('/proc/nope/deeper')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(Date.now() - started).toBeLessThan(1_000);
    },
  );
});
