import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { create, insertMultiple, search } from '@orama/orama';
import {
  type WebarenaQuery,
  type WebarenaTask,
  webarenaQueries,
  webarenaRecord,
} from '../../eval/webarena.js';
import { createHashEmbedder, type EmbeddingProvider } from '../../src/embeddings/index.js';
import { fixedClock, type MemoryOptions, SelfLearningMemory } from '../../src/index.js';
import { type Latency, latency, log, round } from './stats.js';

export interface RetrievalRow {
  library: 'orama' | 'slmem';
  mode: string;
  /** What the row ran with, in words. */
  setup: string;
  queries: number;
  /** Hit-based recall@5: at least one other intent of the query's template in the top 5, itself dropped. */
  recallAt5: number;
  latency: Latency;
  buildSeconds: number;
}

/** Ranked ids of one query; the caller drops the query's own id and keeps five. */
type Searcher = (query: WebarenaQuery) => Promise<string[]>;

async function score(
  row: Omit<RetrievalRow, 'queries' | 'recallAt5' | 'latency'>,
  queries: readonly WebarenaQuery[],
  searcher: Searcher,
): Promise<RetrievalRow> {
  const ms: number[] = [];
  let hits = 0;
  for (const query of queries) {
    const start = performance.now();
    const ids = await searcher(query);
    ms.push(performance.now() - start);
    const top = ids.filter((id) => id !== query.id).slice(0, 5);
    if (top.some((id) => query.relevant.has(id))) hits++;
  }
  log(`${row.library} ${row.mode}: done`);
  return {
    ...row,
    queries: queries.length,
    recallAt5: round(hits / queries.length, 4),
    latency: latency(ms),
  };
}

const OUR_NOW = Date.UTC(2026, 1, 1);

async function openOurs(
  db: string,
  embeddings: EmbeddingProvider | false,
  retrieval: MemoryOptions['retrieval'],
): Promise<SelfLearningMemory> {
  return SelfLearningMemory.open({
    db,
    embeddings,
    retrieval,
    queryCache: false,
    clock: fixedClock(OUR_NOW),
    log: (message) => log(`slmem: ${message}`),
  });
}

/**
 * The eval's webarena task on both libraries in one process: the 812 intents indexed, the 788 intents whose
 * template has another intent as queries, leave-one-out by asking for six and dropping the query itself.
 * Vectors are our hash embedder's (384-d) for both; query embedding is inside the timed call for both.
 */
export async function runRetrieval(tasks: readonly WebarenaTask[]): Promise<RetrievalRow[]> {
  const queries = webarenaQueries(tasks);
  const records = tasks.map(webarenaRecord);
  const embedder = createHashEmbedder();
  const rows: RetrievalRow[] = [];

  let start = performance.now();
  const vectors = await embedder.embed(records.map((r) => r.task));
  const orama = create({ schema: { id: 'string', text: 'string', embedding: 'vector[384]' } as const });
  await insertMultiple(
    orama,
    records.map((r, i) => ({ id: r.id ?? '', text: r.task, embedding: Array.from(vectors[i] ?? []) })),
  );
  const oramaBuild = round((performance.now() - start) / 1000, 2);
  const ids = (hits: ReadonlyArray<{ id: string }>) => hits.map((h) => h.id);

  rows.push(
    await score(
      { library: 'orama', mode: 'bm25', setup: 'fulltext, defaults', buildSeconds: oramaBuild },
      queries,
      async (q) => ids((await search(orama, { term: q.text, properties: ['text'], limit: 6 })).hits),
    ),
  );
  for (const similarity of [0.8, 0]) {
    rows.push(
      await score(
        {
          library: 'orama',
          mode: 'hybrid',
          setup: `hybrid, weights 0.5/0.5, similarity ${similarity}${similarity === 0.8 ? ' (default)' : ''}`,
          buildSeconds: oramaBuild,
        },
        queries,
        async (q) => {
          const [vector] = await embedder.embed([q.text]);
          const result = await search(orama, {
            mode: 'hybrid',
            term: q.text,
            properties: ['text'],
            vector: { value: Array.from(vector ?? []), property: 'embedding' },
            similarity,
            limit: 6,
          });
          return ids(result.hits);
        },
      ),
    );
  }

  const dir = await mkdtemp(join(tmpdir(), 'bench-peers-retrieval-'));
  try {
    for (const mode of ['bm25', 'hybrid'] as const) {
      const db = join(dir, `${mode}.db`);
      const provider = mode === 'bm25' ? false : embedder;
      start = performance.now();
      const builder = await openOurs(db, provider, {});
      await builder.importEpisodes(records);
      await builder.flush();
      if (provider) await builder.reindex();
      await builder.close();
      const buildSeconds = round((performance.now() - start) / 1000, 2);
      // Defaults (what a user gets), then the fused relevance alone: no re-ranking, as Orama has none.
      for (const rerank of [true, false]) {
        const lexical = mode === 'bm25' ? { mode: 'lexical' as const } : {};
        const memory = await openOurs(db, provider, rerank ? lexical : { ...lexical, rerank: false });
        const setup = `retrieve, ${mode === 'bm25' ? "mode 'lexical'" : 'rrf'}, ${rerank ? 'defaults (re-rank on)' : 're-rank off'}`;
        try {
          rows.push(
            await score({ library: 'slmem', mode, setup, buildSeconds }, queries, async (q) =>
              (await memory.retrieve({ task: q.text, limit: 6 })).episodes.map((e) => e.episode.id),
            ),
          );
        } finally {
          await memory.close();
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
