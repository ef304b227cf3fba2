import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { postgresUrl } from '../../src/storage/open.js';

describe("postgresUrl: slmem's own parameters of a postgres:// URL", () => {
  it('takes schema and synchronous_commit out of the URL the driver sees', () => {
    const parsed = postgresUrl(
      'postgres://u:p@db:5432/mem?schema=team_a&synchronous_commit=off&sslmode=require',
    );
    expect(parsed).toEqual({
      url: 'postgres://u:p@db:5432/mem?sslmode=require',
      schema: 'team_a',
      synchronousCommit: false,
    });
    expect(postgresUrl('postgres://u:p@db/mem?synchronous_commit=on')).toEqual({
      url: 'postgres://u:p@db/mem',
      synchronousCommit: true,
    });
    expect(postgresUrl('postgres://u:p@db/mem')).toEqual({ url: 'postgres://u:p@db/mem' });
  });

  it('refuses a synchronous_commit it does not know, without echoing the password', () => {
    const refused = ((): unknown => {
      try {
        postgresUrl('postgres://u:secret@db/mem?synchronous_commit=local');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(MemoryError);
    expect((refused as MemoryError).code).toBe('INVALID_INPUT');
    expect((refused as MemoryError).message).toMatch(/synchronous_commit="local" is not valid: on .* or off/);
    expect((refused as MemoryError).message).not.toContain('secret');
  });
});
