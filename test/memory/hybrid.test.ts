import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashEmbedder, type EmbeddingProvider } from '../../src/embeddings/index.js';
import { SelfLearningMemory } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-hybrid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dbPath = () => join(dir, `h-${n++}.db`);

/**
 * A real hashing embedder that records every text it is asked to embed; `hold(text)` makes calls that include
 * that text wait until released (queries, which are other texts, go through).
 */
function recording(
  dimensions = 256,
): EmbeddingProvider & { texts: string[]; hold(text: string): () => void } {
  const inner = createHashEmbedder({ dimensions });
  const held = new Map<string, Promise<void>>();
  const texts: string[] = [];
  return {
    id: inner.id,
    dimensions,
    texts,
    hold(text) {
      let release!: () => void;
      held.set(text, new Promise((resolve) => (release = resolve)));
      return release;
    },
    async embed(batch) {
      for (const text of batch) await held.get(text);
      texts.push(...batch);
      return inner.embed(batch);
    },
  };
}

const record = (task: string, tools: string[] = ['search', 'answer']) => ({
  task,
  context: { domain: 'support' },
  steps: tools.map((tool) => ({ tool, action: tool })),
  outcome: { status: 'success' as const },
});

describe('embedding in the background', () => {
  it('does not hold up completion, and retrieval finds unembedded episodes by their words', async () => {
    const provider = recording();
    const memory = await SelfLearningMemory.open({ db: dbPath(), embeddings: provider });
    const release = provider.hold('Refund the broken kettle');
    const e = await memory.startEpisode({ task: 'Refund the broken kettle', context: { domain: 'support' } });
    await memory.logStep(e.id, { tool: 'refund' });
    const { episode } = await memory.completeEpisode(e.id, { status: 'success' });
    expect(episode.outcome.status).toBe('success');
    expect((await memory.stats()).embeddings?.episodes).toBe(0);
    const lexical = await memory.retrieve({ task: 'kettle refund' });
    expect(lexical.episodes[0]?.episode.id).toBe(e.id);
    expect(lexical.episodes[0]?.why).not.toMatch(/similar meaning/);
    release();
    await memory.flush();
    const stats = await memory.stats();
    expect(stats.embeddings).toMatchObject({ episodes: 1, staleEpisodes: 0, pending: 0 });
    expect((await memory.retrieve({ task: 'kettle refund' })).episodes[0]?.why).toMatch(/similar meaning/);
    await memory.close();
  });

  it('embeds the patterns each completion touches, and a pattern whose text is unchanged only once', async () => {
    const provider = recording();
    const memory = await SelfLearningMemory.open({ db: dbPath(), embeddings: provider });
    for (let i = 0; i < 4; i++) {
      const e = await memory.startEpisode({ task: `Refund order ${i}`, context: { domain: 'support' } });
      for (const tool of ['lookup', 'refund', 'notify']) await memory.logStep(e.id, { tool, action: tool });
      await memory.completeEpisode(e.id, { status: 'success' });
      await memory.flush();
    }
    const stats = await memory.stats();
    expect(stats.patterns).toBeGreaterThan(0);
    expect(stats.embeddings).toMatchObject({ episodes: 4, staleEpisodes: 0, stalePatterns: 0, pending: 0 });
    // The same patterns were touched four times; their texts were embedded once each.
    const patternTexts = provider.texts.filter((t) => !t.startsWith('Refund order'));
    expect(new Set(patternTexts).size).toBe(patternTexts.length);
    await memory.close();
  });

  it('embeds identical texts once', async () => {
    const provider = recording();
    const memory = await SelfLearningMemory.open({ db: dbPath(), embeddings: provider });
    await memory.importEpisodes([
      record('Reset the user password'),
      // Another run of the same task: the same text, not the same record (which would be stored once).
      { ...record('Reset the user password'), metadata: { run: '2' } },
      record('Close the account'),
    ]);
    await memory.flush();
    expect(provider.texts.filter((t) => t === 'Reset the user password')).toHaveLength(1);
    expect((await memory.stats()).embeddings).toMatchObject({ episodes: 3, staleEpisodes: 0 });
    await memory.close();
  });

  it('keeps the episode and reports the failure when the embedder fails, then BM25 carries retrieval', async () => {
    const logs: string[] = [];
    const failing: EmbeddingProvider = {
      id: 'failing-1',
      dimensions: 8,
      embed: async () => {
        throw new Error('model exploded');
      },
    };
    const memory = await SelfLearningMemory.open({
      db: dbPath(),
      embeddings: failing,
      log: (m) => logs.push(m),
    });
    const report = await memory.importEpisodes([record('Export the invoices to CSV')]);
    await memory.flush();
    expect(report.imported).toBe(1);
    expect(logs.some((m) => m.includes('model exploded') && m.includes('reindex'))).toBe(true);
    const found = await memory.retrieve({ task: 'invoices csv export' });
    expect(found.episodes).toHaveLength(1);
    expect(logs.some((m) => m.includes('BM25 only'))).toBe(true);
    expect((await memory.stats()).embeddings?.staleEpisodes).toBe(1);
    await memory.close();
  });
});

describe('changing the embedding provider', () => {
  it('leaves old vectors stale until reindex embeds them again', async () => {
    const db = dbPath();
    const first = await SelfLearningMemory.open({ db, embeddings: createHashEmbedder({ dimensions: 256 }) });
    await first.importEpisodes([
      record('Upgrade the database'),
      record('Rotate the API keys'),
      record('Renew the TLS certificate'),
    ]);
    await first.close();

    const logs: string[] = [];
    const second = await SelfLearningMemory.open({
      db,
      embeddings: createHashEmbedder({ dimensions: 128 }),
      log: (m) => logs.push(m),
    });
    const before = await second.stats();
    expect(before.embeddings).toMatchObject({ provider: 'hash-v1-128', episodes: 0, staleEpisodes: 3 });
    expect((await second.retrieve({ task: 'rotate keys' })).episodes[0]?.episode.task).toBe(
      'Rotate the API keys',
    );
    expect(logs).toEqual([expect.stringMatching(/^3 episodes have no hash-v1-128 vectors yet.*reindex/)]);
    const progress: number[] = [];
    const result = await second.reindex(({ kind, done }) => kind === 'episode' && progress.push(done));
    expect(result.episodes).toBe(3);
    expect(result.patterns).toBe(before.patterns);
    expect(progress.at(-1)).toBe(3);
    expect((await second.stats()).embeddings).toMatchObject({
      episodes: 3,
      staleEpisodes: 0,
      stalePatterns: 0,
    });
    expect(await second.reindex()).toEqual({ episodes: 0, patterns: 0 });
    await second.close();

    // Vectors are kept per provider: going back to the first one needs no re-embedding.
    const back = await SelfLearningMemory.open({ db, embeddings: createHashEmbedder({ dimensions: 256 }) });
    expect((await back.stats()).embeddings).toMatchObject({
      provider: 'hash-v1-256',
      episodes: 3,
      staleEpisodes: 0,
    });
    await back.close();
  });
});

describe('the query cache', () => {
  it('answers a repeated query from the cache and forgets it after any write', async () => {
    const memory = await SelfLearningMemory.open({ db: dbPath(), embeddings: createHashEmbedder() });
    await memory.importEpisodes([record('Migrate the billing service to Postgres')]);
    await memory.flush();
    const first = await memory.retrieve({ task: 'billing migration' });
    const again = await memory.retrieve({ task: '  Billing   MIGRATION ' });
    expect(again).toBe(first);
    expect((await memory.stats()).queryCache).toMatchObject({ hits: 1, misses: 1 });
    await memory.importEpisodes([record('Billing migration rollback plan')]);
    const after = await memory.retrieve({ task: 'billing migration' });
    expect(after).not.toBe(first);
    expect(after.episodes).toHaveLength(2);
    expect((await memory.stats()).queryCache.misses).toBe(2);
    await memory.close();
  });
});

describe('pattern search', () => {
  it('finds patterns by their tools and description, best first, filtered by type', async () => {
    const memory = await SelfLearningMemory.open({ db: dbPath(), embeddings: createHashEmbedder() });
    await memory.importEpisodes([
      record('Deploy the web app', ['build', 'deploy']),
      record('Deploy the api', ['build', 'deploy']),
      record('Write docs', ['write', 'publish']),
    ]);
    await memory.flush();
    const found = await memory.searchPatterns({ text: 'build and deploy', type: 'tool_sequence' });
    expect(found[0]?.pattern.data).toMatchObject({
      type: 'tool_sequence',
      steps: [{ tool: 'build' }, { tool: 'deploy' }],
    });
    expect(found[0]?.score).toBe(1);
    expect(found.every((f) => f.pattern.type === 'tool_sequence')).toBe(true);
    expect(found[0]?.why).toMatch(/100% success over 2/);
    await memory.close();
  });
});

describe('hybrid retrieval with the local Universal Sentence Encoder', () => {
  it('finds a paraphrase that shares no words with the query, which BM25 alone cannot', async () => {
    const db = dbPath();
    const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'use' } });
    await memory.importEpisodes([
      record('Refund the electric kettle the customer bought last week'),
      record('Change the shipping address of a pending order'),
      record('What is the best-selling product of 2022'),
    ]);
    await memory.flush();
    const query = { task: 'Money back for a water boiler', limit: 3 };
    const hybrid = await memory.retrieve(query);
    expect(hybrid.episodes[0]?.episode.task).toMatch(/kettle/);
    expect(hybrid.episodes[0]?.why).toMatch(/similar meaning/);
    await memory.close();
    const lexical = await SelfLearningMemory.open({ db, embeddings: false });
    expect((await lexical.retrieve(query)).episodes).toEqual([]);
    await lexical.close();
  }, 60_000);
});
