import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/core/index.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://slmem:slmem@127.0.0.1:54329/slmem', 'postgres://slmem:***@127.0.0.1:54329/slmem'],
    ['postgresql://u:s3cret@db/x?schema=a', 'postgresql://u:***@db/x?schema=a'],
    ['postgres://:s3cret@db/x', 'postgres://:***@db/x'],
    // Unescaped "@" and "/" in a password: nothing of it shows.
    ['postgres://u:p@ss@db/x', 'postgres://u:***@db/x'],
    ['postgres://u:a/b@db/x', 'postgres://u:***@db/x'],
    ['postgres://u@db/x?password=s3cret&sslmode=require', 'postgres://u@db/x?password=***&sslmode=require'],
    ['postgres://u@db/x?sslpassword=s3cret', 'postgres://u@db/x?sslpassword=***'],
    // Nothing to hide: as it is.
    ['postgres://u@db:5432/x', 'postgres://u@db:5432/x'],
    ['/home/me/.local/share/slmem/memory.db', '/home/me/.local/share/slmem/memory.db'],
    ['file:/p/q.db?mode=ro', 'file:/p/q.db?mode=ro'],
  ])('%s → %s', (text, shown) => {
    expect(redactUrl(text)).toBe(shown);
  });

  it('hides every URL of a message', () => {
    const message = 'cannot copy "postgres://a:one@h/x" to postgres://b:two@h/y; check both';
    expect(redactUrl(message)).toBe('cannot copy "postgres://a:***@h/x" to postgres://b:***@h/y; check both');
  });
});
