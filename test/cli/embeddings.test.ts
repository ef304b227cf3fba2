import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { removeTempDirs, slmem, slmemJson, tempDb, writeTauJsonl } from './run-cli.js';

afterAll(async () => {
  removeTempDirs();
  await dropSchemas();
});

interface Stats {
  completedEpisodes: number;
  embeddings: { provider: string; episodes: number; staleEpisodes: number; stalePatterns: number } | null;
}

describe.each(testBackends())(
  'slmem embeddings: import --no-embed, reindex, pattern search on $name',
  ({ db: freshDb }) => {
    it('leaves skipped episodes stale until reindex, and reindexes after a provider change', async () => {
      const { dir } = tempDb();
      const db = freshDb();
      const file = await writeTauJsonl(dir, 20);
      const imported = await slmemJson<{ imported: number; embedded: unknown }>([
        '--db',
        db,
        'import',
        '--no-embed',
        file,
      ]);
      expect(imported).toMatchObject({ imported: 20, embedded: null });
      expect((await slmemJson<Stats>(['--db', db, 'stats'])).embeddings).toMatchObject({
        episodes: 0,
        staleEpisodes: 20,
      });

      const reindexed = await slmemJson<{ provider: string; episodes: number }>(['--db', db, 'reindex']);
      expect(reindexed).toMatchObject({ provider: 'hash-v1-384', episodes: 20 });
      expect((await slmemJson<Stats>(['--db', db, 'stats'])).embeddings).toMatchObject({
        staleEpisodes: 0,
        stalePatterns: 0,
      });

      const other = { env: { SLMEM_EMBEDDINGS_DIMENSIONS: '64' } };
      expect((await slmemJson<Stats>(['--db', db, 'stats'], other)).embeddings).toMatchObject({
        provider: 'hash-v1-64',
        staleEpisodes: 20,
      });
      expect(await slmemJson<{ episodes: number }>(['--db', db, 'reindex'], other)).toMatchObject({
        episodes: 20,
      });
    });

    it('embeds during import by default and finds patterns by meaning and words', async () => {
      const { dir } = tempDb();
      const db = freshDb();
      const file = await writeTauJsonl(dir, 30);
      const imported = await slmemJson<{ embedded: { episodes: number } }>(['--db', db, 'import', file]);
      expect(imported.embedded.episodes).toBe(30);
      const found = await slmemJson<Array<{ id: string; type: string; score: number; why: string }>>([
        '--db',
        db,
        'pattern',
        'search',
        '--text',
        'return delivered items',
        '--type',
        'tool_sequence',
      ]);
      expect(found.length).toBeGreaterThan(0);
      expect(found[0]).toMatchObject({ type: 'tool_sequence', score: 1 });
      expect(found.every((p) => p.type === 'tool_sequence')).toBe(true);
      expect(found[0]?.why).toMatch(/success/);
    });

    it('uses hash when no provider is chosen, and the sentence encoder with --embeddings use', async () => {
      const db = freshDb();
      const unset = { env: { SLMEM_EMBEDDINGS: undefined } };
      expect((await slmemJson<Stats>(['--db', db, 'stats'], unset)).embeddings?.provider).toBe('hash-v1-384');
      // stats loads no model, so this stays fast.
      const use = await slmemJson<Stats>(['--db', db, '--embeddings', 'use', 'stats'], unset);
      expect(use.embeddings?.provider).toBe('use-lite-512');
      const fromEnv = await slmemJson<Stats>(['--db', db, 'stats'], { env: { SLMEM_EMBEDDINGS: 'use' } });
      expect(fromEnv.embeddings?.provider).toBe('use-lite-512');
      expect((await slmem(['--db', db, '--help'], unset)).stdout).toMatch(/default: "hash"/);
    });

    it('rejects an unknown provider with a usage error', async () => {
      const db = freshDb();
      const result = await slmem(['--db', db, '--embeddings', 'bogus', 'stats']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/bogus/);
      expect(result.stdout).toBe('');
    });
  },
);
