import type { Clock } from '../core/index.js';

/**
 * A least-recently-used cache whose entries also expire after `ttlMs`. Keys should include whatever makes a
 * cached value wrong (for retrieval: the store's write generation), so invalidation is a key change.
 */
export class QueryCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  hits = 0;
  misses = 0;

  constructor(options: { maxEntries: number; ttlMs: number; clock: Clock }) {
    this.#maxEntries = Math.max(0, options.maxEntries);
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry || entry.expires <= this.#clock.now()) {
      if (entry) this.#entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Re-insert so the Map's order is the recency order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.#maxEntries === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#clock.now() + this.#ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
