import { afterEach, describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { createWorkerPool, type WorkerPool } from '../../src/core/worker-pool.js';
import type { PoolJob } from './fixtures/pool-worker.js';

const WORKER = new URL('./fixtures/pool-worker.ts', import.meta.url);
const pools: WorkerPool<PoolJob, unknown>[] = [];

function pool(
  size = 1,
  url = WORKER,
  more: { workerData?: unknown; log?: (line: string) => void; closeTimeoutMs?: number } = {},
): WorkerPool<PoolJob, unknown> {
  const made = createWorkerPool<PoolJob, unknown>({
    url,
    size,
    name: 'test-model',
    errorCode: 'EMBEDDING_ERROR',
    ...more,
  });
  pools.push(made);
  return made;
}

async function failure(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('createWorkerPool', () => {
  it('on close, gives up on a job past closeTimeoutMs and lets the worker release what it holds', async () => {
    const { mkdtempSync, readFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const closedFile = join(mkdtempSync(join(tmpdir(), 'slmem-pool-')), 'closed');
    const workers = pool(1, WORKER, { workerData: { closedFile }, closeTimeoutMs: 200 });
    expect(await workers.run({ do: 'echo', value: 1 })).toBe(1);
    const hanging = workers.run({ do: 'hang' }).then(
      () => 'answered',
      (e: unknown) => e,
    );
    await workers.close();
    expect(await hanging).toBeInstanceOf(MemoryError);
    expect(existsSync(closedFile) && readFileSync(closedFile, 'utf8')).toBe('closed');
  });

  it("hands each worker the pool's workerData and passes what a worker logs to the pool's log", async () => {
    const lines: string[] = [];
    const workers = pool(1, WORKER, {
      workerData: { db: '/tmp/x.db', n: 3 },
      log: (line) => lines.push(line),
    });
    expect(await workers.run({ do: 'data' })).toEqual({ db: '/tmp/x.db', n: 3 });
    expect(await workers.run({ do: 'log', message: 'the index is loading' })).toBe('logged');
    expect(lines).toEqual(['the index is loading']);
  });

  it('starts no worker before the first job, then answers jobs in a worker thread', async () => {
    const workers = pool();
    expect(workers.running).toBe(0);
    expect(await workers.run({ do: 'echo', value: { texts: ['a', 'b'] } })).toEqual({ texts: ['a', 'b'] });
    expect(await workers.run({ do: 'thread' })).not.toBe(0); // 0 is the main thread
    expect(workers.running).toBe(1);
  });

  it('moves a transferred result intact', async () => {
    const vector = (await pool().run({ do: 'vector', length: 512 })) as Float32Array;
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector).toHaveLength(512);
    expect(vector[511]).toBe(511);
  });

  it('rebuilds a coded error from the worker, and a plain throw as EMBEDDING_ERROR', async () => {
    const workers = pool();
    const coded = await failure(workers.run({ do: 'fail' }));
    expect(coded.code).toBe('EMBEDDING_ERROR');
    expect(coded.message).toBe('could not load the model: weights missing');
    expect(coded.details).toEqual({ file: 'model.json' });
    const plain = await failure(workers.run({ do: 'throw' }));
    expect(plain.code).toBe('EMBEDDING_ERROR');
    expect(plain.message).toBe('plain failure');
    // A failed job leaves the worker serving.
    expect(await workers.run({ do: 'echo', value: 1 })).toBe(1);
    expect(workers.running).toBe(1);
  });

  it('fails the jobs of a crashed worker and starts a new one on the next call', async () => {
    const workers = pool();
    const before = await workers.run({ do: 'thread' });
    const slow = workers.run({ do: 'thread', ms: 10_000 });
    const crash = await failure(workers.run({ do: 'crash' }));
    expect(crash.code).toBe('EMBEDDING_ERROR');
    expect(crash.message).toMatch(/the test-model worker failed: worker blew up; the next call starts a new/);
    // The job that was waiting on the same worker fails too, rather than hanging.
    expect((await failure(slow)).message).toMatch(/worker blew up/);
    const after = await workers.run({ do: 'thread' });
    expect(after).not.toBe(before);
    expect(workers.running).toBe(1);
  });

  it('reports a worker that exits with its exit code', async () => {
    const workers = pool();
    const error = await failure(workers.run({ do: 'exit', code: 3 }));
    expect(error.message).toMatch(/the test-model worker stopped \(exit code 3\)/);
    expect(await workers.run({ do: 'echo', value: 'back' })).toBe('back');
  });

  it('reports a worker module that cannot start, and tries again on the next call', async () => {
    const workers = pool(1, new URL('./fixtures/no-such-worker.js', import.meta.url));
    const first = await failure(workers.run({ do: 'echo', value: 1 }));
    expect(first.code).toBe('EMBEDDING_ERROR');
    expect(first.message).toMatch(/the test-model worker failed: .*no-such-worker\.js/);
    expect(workers.running).toBe(0);
    await failure(workers.run({ do: 'echo', value: 1 }));
  });

  it('spreads concurrent jobs over up to `size` workers', async () => {
    const workers = pool(2);
    const threads = await Promise.all([1, 2, 3, 4].map(() => workers.run({ do: 'thread', ms: 200 })));
    expect(new Set(threads).size).toBe(2);
    expect(workers.running).toBe(2);
  });

  it('lets jobs in flight finish on close, ends the workers, and starts afresh after', async () => {
    const workers = pool();
    const first = await workers.run({ do: 'thread' });
    const inFlight = workers.run({ do: 'thread', ms: 100 });
    await workers.close();
    expect(await inFlight).toBe(first);
    expect(workers.running).toBe(0);
    expect(await workers.run({ do: 'thread' })).not.toBe(first);
  });
});
