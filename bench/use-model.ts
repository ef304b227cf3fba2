import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEmbeddingProvider } from '../src/embeddings/index.js';
import type { BenchContext } from './context.js';
import { fill, generate, openBench, queries } from './fixtures.js';
import { type Stats, sample, TARGETS, timed } from './measure.js';

export interface UseModelReport {
  episodes: number;
  /** Seconds to load the model and embed the store (background indexer, batches of 32). */
  embedSec: number;
  stats: Stats[];
}

/**
 * The default users get: the local Universal Sentence Encoder. Retrieval on a smaller store, with a new query
 * text each time (the text must be embedded) and with a repeated one (its vector is cached, the result is not);
 * and the query embedding alone.
 */
export async function benchUseModel(ctx: BenchContext): Promise<UseModelReport> {
  const db = join(ctx.dir, 'use.db');
  const provider = createEmbeddingProvider({ provider: 'use' });
  const memory = await openBench(db, provider);
  try {
    const started = performance.now();
    await fill(memory, generate(ctx.sources, ctx.rng, ctx.sizes.use), 100);
    await memory.reindex();
    const embedSec = (performance.now() - started) / 1000;
    ctx.log(`use: ${ctx.sizes.use} episodes embedded in ${embedSec.toFixed(1)} s`);
    const n = ctx.n.few;
    const texts = queries(ctx.sources, ctx.rng, 3 * n + 30);
    let next = 0;
    const fresh = () => texts[next++ % texts.length]!;
    const options = { n, warmup: 5, targetMs: TARGETS.retrieve };
    const stats = [
      await sample('query embedding (use)', { ...options, note: 'provider.embed of one new text' }, () =>
        timed(() => provider.embed([fresh()])),
      ),
      await sample('retrieve (hybrid, use)', { ...options, note: 'new query text each time' }, () =>
        timed(() => memory.retrieve({ task: fresh() })),
      ),
      await sample(
        'retrieve (hybrid, use, repeat)',
        { ...options, note: 'query vector cached' },
        async () => {
          const text = fresh();
          await memory.retrieve({ task: text });
          return timed(() => memory.retrieve({ task: text }));
        },
      ),
    ];
    return { episodes: ctx.sizes.use, embedSec, stats };
  } finally {
    await memory.close();
  }
}
