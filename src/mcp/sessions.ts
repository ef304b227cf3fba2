import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

export interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
}

interface Entry extends Session {
  /** Requests (and open streams) not yet answered: a session with one is not idle. */
  busy: number;
  lastSeen: number;
}

/**
 * The open sessions of the HTTP server, least recently used first. A client that never sends DELETE would
 * otherwise hold its session until restart: a session idle for `idleTimeoutMs` is closed, and when `max` are
 * open a new one takes the place of the least recently used idle one. Only when every session is busy is a
 * new client refused.
 */
export class SessionTable {
  readonly #entries = new Map<string, Entry>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly max: number,
    readonly idleTimeoutMs: number,
    readonly now: () => number = Date.now,
  ) {
    this.#timer = setInterval(() => void this.expire(), Math.max(10, Math.min(idleTimeoutMs, 60_000) / 2));
    this.#timer.unref();
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): Session | undefined {
    return this.#entries.get(id);
  }

  add(id: string, session: Session): void {
    this.#entries.set(id, { ...session, busy: 0, lastSeen: this.now() });
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }

  /**
   * Moves the session to the most recently used end; a `busy` request keeps it from expiring or being evicted
   * until `done` runs.
   */
  begin(id: string, busy = true): () => void {
    const entry = this.#entries.get(id);
    if (!entry) return () => {};
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    entry.lastSeen = this.now();
    if (!busy) return () => {};
    entry.busy++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      entry.busy--;
      entry.lastSeen = this.now();
    };
  }

  /**
   * Makes room for one more session: closes the expired ones, then, at the cap, the least recently used idle
   * one. False when every session is busy.
   */
  async makeRoom(): Promise<boolean> {
    await this.expire();
    if (this.#entries.size < this.max) return true;
    for (const [id, entry] of this.#entries) {
      if (entry.busy === 0) {
        await this.#close(id, entry);
        return true;
      }
    }
    return false;
  }

  /** Closes the sessions idle for longer than the timeout. */
  async expire(): Promise<void> {
    const oldest = this.now() - this.idleTimeoutMs;
    const expired = [...this.#entries].filter(([, e]) => e.busy === 0 && e.lastSeen <= oldest);
    await Promise.allSettled(expired.map(([id, entry]) => this.#close(id, entry)));
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    const all = [...this.#entries];
    this.#entries.clear();
    await Promise.allSettled(all.map(([, { server }]) => server.close()));
  }

  async #close(id: string, entry: Entry): Promise<void> {
    this.#entries.delete(id);
    await entry.server.close();
  }
}
