import { approximateBytes, type Clock } from '../core/index.js';

/**
 * A least-recently-used cache whose entries also expire after `ttlMs`, bounded by entries and by (approximate)
 * bytes: a few results holding long episodes must not hold the process's memory. Keys should include whatever
 * makes a cached value wrong (for retrieval: the store's write generation), so invalidation is a key change.
 */
export class QueryCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number; bytes: number }>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(options: { maxEntries: number; ttlMs: number; clock: Clock; maxBytes?: number }) {
    this.#maxEntries = Math.max(0, options.maxEntries);
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry || entry.expires <= this.#clock.now()) {
      if (entry) this.#delete(key);
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
    const bytes = Number.isFinite(this.#maxBytes) ? approximateBytes(value) : 0;
    // One value larger than the whole budget is not kept (it would evict everything else for itself).
    if (bytes > this.#maxBytes) return;
    this.#delete(key);
    this.#entries.set(key, { value, expires: this.#clock.now() + this.#ttlMs, bytes });
    this.#bytes += bytes;
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /** About how many bytes the cached values take (0 when the cache is bounded by entries only). */
  get bytes(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
