import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../src/storage/sqlite/fts-query.js';

describe('toFtsQuery', () => {
  it('ORs the quoted content words, once each', () => {
    expect(toFtsQuery('Fix the login test, then fix the LOGIN page')).toBe(
      '"fix" OR "login" OR "test" OR "page"',
    );
  });

  it('leaves out stopwords, numbers and identifiers but keeps short versions', () => {
    expect(toFtsQuery('return order #W6067464 in zip 19031 via utf8')).toBe(
      '"return" OR "order" OR "zip" OR "utf8"',
    );
  });

  it('returns null when nothing is left and caps the number of terms', () => {
    expect(toFtsQuery('the of and 42')).toBeNull();
    expect(
      toFtsQuery(
        Array.from({ length: 100 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`).join(' '),
        10,
      )?.split(' OR '),
    ).toHaveLength(10);
  });
});
