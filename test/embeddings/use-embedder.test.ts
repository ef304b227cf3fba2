import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type * as Embeddings from '@energetic-ai/embeddings';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { cosine, createUseEmbedder } from '../../src/embeddings/index.js';
import { SelfLearningMemory } from '../../src/index.js';
import { runEmbeddingContract } from './embedding-contract.js';

// Counts model loads on this thread (workers: 0) while keeping the real model; a worker loads its own copy.
const initModel = vi.hoisted(() => vi.fn());
vi.mock('@energetic-ai/embeddings', async (importOriginal) => {
  const actual = await importOriginal<typeof Embeddings>();
  initModel.mockImplementation(actual.initModel);
  return { ...actual, initModel };
});

// One provider per mode for most tests: each load costs ~200 ms and ~200 MB.
const shared = createUseEmbedder();
const inThread = createUseEmbedder({ workers: 0 });
afterAll(async () => {
  await shared.close?.();
  await inThread.close?.();
});

runEmbeddingContract('USE embedder (worker thread)', () => shared);
runEmbeddingContract('USE embedder (calling thread)', () => inThread);

describe('createUseEmbedder', () => {
  it('returns 512-dimensional vectors under the id use-lite-512', async () => {
    const [vector] = await shared.embed(['I want to return my kettle']);
    expect(shared.id).toBe('use-lite-512');
    expect(vector).toHaveLength(512);
  });

  it('puts a paraphrase closer than an unrelated question', async () => {
    const [query, refund, sales] = await shared.embed([
      'I want to return my kettle',
      'Please refund the electric kettle I bought',
      'What is the top selling product in 2022',
    ]);
    expect(cosine(query!, refund!)).toBeGreaterThan(cosine(query!, sales!) + 0.1);
  });

  it('gives the same text identical vectors', async () => {
    const [a, b] = await shared.embed(['Fix the failing login test', 'Fix the failing login test']);
    expect(b).toEqual(a);
  });

  it('embeds more texts than one batch', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `order ${i} needs a refund`);
    const vectors = await shared.embed(texts);
    expect(vectors).toHaveLength(70);
    const [last] = await shared.embed([texts[69]!]);
    expect(cosine(last!, vectors[69]!)).toBeCloseTo(1, 5);
  });

  it('answers [] without loading the model', async () => {
    initModel.mockClear();
    expect(await createUseEmbedder().embed([])).toEqual([]);
    expect(await createUseEmbedder({ workers: 0 }).embed([])).toEqual([]);
    expect(initModel).not.toHaveBeenCalled();
  });

  it('loads the model once for concurrent first calls', async () => {
    initModel.mockClear();
    const provider = createUseEmbedder({ workers: 0 });
    const results = await Promise.all([provider.embed(['a']), provider.embed(['b']), provider.embed(['c'])]);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(initModel).toHaveBeenCalledTimes(1);
    await provider.close?.();
  });

  it('reports a failed load as EMBEDDING_ERROR and retries on the next call', async () => {
    initModel.mockClear();
    initModel.mockRejectedValueOnce(new Error('wasm backend missing'));
    const provider = createUseEmbedder({ workers: 0 });
    const error = await provider.embed(['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe('EMBEDDING_ERROR');
    expect((error as MemoryError).message).toMatch(
      /could not load the Universal Sentence Encoder.*wasm backend missing/,
    );
    expect(await provider.embed(['a'])).toHaveLength(1);
    expect(initModel).toHaveBeenCalledTimes(2);
    await provider.close?.();
  });
});

describe('createUseEmbedder in worker threads', () => {
  const texts = Array.from(
    { length: 70 },
    (_, i) => `order ${i}: the customer wants a refund for the kettle bought on day ${i * 13}`,
  );

  it('gives exactly the vectors of the model on the calling thread, with one worker or two', async () => {
    const two = createUseEmbedder({ workers: 2 });
    try {
      const [one, here, spread] = await Promise.all([
        shared.embed(texts),
        inThread.embed(texts),
        two.embed(texts),
      ]);
      expect(one).toEqual(here);
      expect(spread).toEqual(here);
    } finally {
      await two.close?.();
    }
  }, 120_000);

  it('keeps the main thread free while it embeds a batch', async () => {
    await shared.embed(['load the model before timing']);
    const dir = mkdtempSync(join(tmpdir(), 'slmem-use-worker-'));
    const memory = await SelfLearningMemory.open({ db: join(dir, 'memory.db'), embeddings: false });
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 5);
    try {
      const started = performance.now();
      let batchEnded = Number.POSITIVE_INFINITY;
      const batch = shared.embed([...texts, ...texts.map((text) => `${text}, again`)]).then((vectors) => {
        batchEnded = performance.now();
        return vectors;
      });
      // A timer turn first: the model on this thread would hold the loop until the whole batch was done.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const stats = await memory.stats();
      const statsEnded = performance.now();
      expect(await batch).toHaveLength(140);
      const during = gaps.length;
      expect(stats.episodes).toBe(0);
      expect(statsEnded).toBeLessThan(batchEnded);
      // Generous bounds (a loaded two-core machine): the interval kept firing through the batch.
      expect(during).toBeGreaterThanOrEqual(3);
      expect(Math.max(...gaps)).toBeLessThan((batchEnded - started) / 2);
    } finally {
      clearInterval(timer);
      await memory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('lets the process exit after embedding, closed or not', async () => {
    const run = promisify(execFile);
    const script = fileURLToPath(new URL('./fixtures/exit-after-embed.ts', import.meta.url));
    const cwd = fileURLToPath(new URL('../..', import.meta.url));
    for (const args of [[], ['--close']]) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
        cwd,
        timeout: 50_000,
      });
      expect(stdout).toBe('dimensions 512\n');
    }
  }, 120_000);

  it('embeds again after close, in a new worker', async () => {
    const provider = createUseEmbedder();
    const [before] = await provider.embed(['close and come back']);
    await provider.close?.();
    const [after] = await provider.embed(['close and come back']);
    expect(after).toEqual(before);
    await provider.close?.();
  });

  it('rejects a worker count that is not a whole number', () => {
    for (const workers of [-1, 1.5, Number.NaN]) {
      expect(() => createUseEmbedder({ workers })).toThrow(MemoryError);
    }
    expect(createUseEmbedder({ workers: 64 }).id).toBe('use-lite-512'); // capped at the cores, not refused
  });
});
