import { describe, expect, it } from 'vitest';
import { lazyModel, serialQueue } from '../../src/embeddings/lazy-model.js';

describe('lazyModel', () => {
  it('loads once for concurrent callers and not before the first call', async () => {
    let loads = 0;
    const model = lazyModel(async () => ++loads);
    expect(loads).toBe(0);
    expect(await Promise.all([model.get(), model.get(), model.get()])).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
  });

  it('forgets a failed load so the next call retries', async () => {
    let loads = 0;
    const model = lazyModel(async () => {
      loads++;
      if (loads === 1) throw new Error('boom');
      return 'ready';
    });
    await expect(model.get()).rejects.toThrow('boom');
    expect(await model.get()).toBe('ready');
    expect(loads).toBe(2);
  });

  it('loads again after reset', async () => {
    let loads = 0;
    const model = lazyModel(async () => ++loads);
    await model.get();
    expect(await model.reset()).toBe(1);
    expect(await model.get()).toBe(2);
  });
});

describe('serialQueue', () => {
  it('runs one task at a time, in order, even after a failure', async () => {
    const enqueue = serialQueue();
    const log: string[] = [];
    const task = (name: string, fail = false) =>
      enqueue(async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
