import { describe, expect, it } from 'vitest';
import { parseDb, sqlitePath, storageKind } from '../../src/storage/index.js';

describe('parseDb', () => {
  it.each([
    ['memory.db', 'memory.db'],
    ['/data/memory.db', '/data/memory.db'],
    // A plain path is a name as it is: a "?" in it is part of the file name.
    ['/data/what?.db', '/data/what?.db'],
    [':memory:', ':memory:'],
    ['file:relative.db', 'relative.db'],
    ['file:./dir/memory.db', './dir/memory.db'],
    ['file:/data/memory.db', '/data/memory.db'],
    ['file:///data/memory.db', '/data/memory.db'],
    ['file://localhost/data/memory.db', '/data/memory.db'],
    ['file:/data/my%20memory.db', '/data/my memory.db'],
    ['file:/data/memory.db#ignored', '/data/memory.db'],
    ['file::memory:', ':memory:'],
  ])('%s is the file %s, created when missing', (db, path) => {
    expect(parseDb(db)).toEqual({ kind: 'sqlite', path, mode: 'rwc' });
  });

  it.each([
    ['file:/p/q.db?mode=ro', '/p/q.db', 'ro'],
    ['file:///p/q.db?mode=rw', '/p/q.db', 'rw'],
    ['file:q.db?mode=rwc', 'q.db', 'rwc'],
  ])('%s takes SQLite’s mode parameter', (db, path, mode) => {
    expect(parseDb(db)).toEqual({ kind: 'sqlite', path, mode });
  });

  it.each([
    ['file:/p/q.db?cache=shared', /parameter "cache" is not supported/],
    ['file:/p/q.db?mode=ro&vfs=unix', /parameter "vfs" is not supported/],
    ['file:/p/q.db?mode=memory', /mode=memory is not supported/],
    ['file:/p/q.db?mode=', /mode= is not supported/],
    ['file://otherhost/p/q.db', /not a valid file: URL/],
    ['file:/p/%zz.db', /not a valid file: URL/],
    ['file:', /names no file/],
    ['file::memory:?mode=ro', /in-memory database/],
  ])('%s is refused with INVALID_INPUT saying why', (db, message) => {
    expect(() => parseDb(db)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(message) }),
    );
  });

  it('reads a postgres:// URL with its schema, and names the backend of each value', () => {
    expect(parseDb('postgres://u@h/db?schema=team_a')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
      schema: 'team_a',
    });
    expect(storageKind('postgresql://u@h/db')).toBe('postgres');
    expect(storageKind('file:/p/q.db?mode=ro')).toBe('sqlite');
    expect(() => storageKind('mysql://h/db')).toThrow(/mysql:\/\/ databases are not supported/);
  });

  it('refuses a read-only file: URL as a file to write (restore)', () => {
    expect(() => sqlitePath('file:/p/q.db?mode=ro')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/read-only/) }),
    );
  });
});
