/** A model loaded on first use, once, even when several callers ask for it at the same time. */
export interface LazyModel<T> {
  /** The loaded model; starts loading on the first call. A failed load is forgotten so a later call retries. */
  get(): Promise<T>;
  /** Forgets the model so the next `get` loads it again; returns the load in flight or done, if any. */
  reset(): Promise<T> | undefined;
}

/**
 * Memoises the promise of `load` rather than its result: concurrent first calls share one load instead of
 * each starting their own (a USE load costs ~150 ms and ~200 MB).
 */
export function lazyModel<T>(load: () => Promise<T>): LazyModel<T> {
  let pending: Promise<T> | undefined;
  return {
    get() {
      if (pending) return pending;
      const attempt = Promise.resolve()
        .then(load)
        .catch((error: unknown) => {
          if (pending === attempt) pending = undefined;
          throw error;
        });
      pending = attempt;
      return attempt;
    },
    reset() {
      const previous = pending;
      pending = undefined;
      return previous;
    },
  };
}

/** Runs tasks one after another: one model call at a time keeps memory flat under concurrent `embed`s. */
export function serialQueue(): <R>(task: () => Promise<R>) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
