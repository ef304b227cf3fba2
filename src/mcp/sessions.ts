import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

export interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  /** Who opened it, e.g. the namespace its token grants (null: the server token, or no token). */
  owner: string | null;
}

/** A reserved place in the table: `fill` it with the session once initialized, or `release` it. */
export interface SessionSlot {
  fill(id: string, session: Omit<Session, 'owner'>): void;
  /** Gives the place back unless it was filled; safe to call in any case. */
  release(): void;
}

interface Entry extends Session {
  /** Requests (and open streams) not yet answered: a session with one is not idle. */
  busy: number;
  lastSeen: number;
}

/**
 * The open sessions of the HTTP server, least recently used first. A client that never sends DELETE would
 * otherwise hold its session until restart: a session idle for `idleTimeoutMs` is closed. Each owner (a token's
 * namespace) may hold `max` sessions; at its cap a new one of its own takes the place of its least recently used
 * idle one, never another owner's. Only when every session of the owner is busy is its new client refused.
 */
export class SessionTable {
  readonly #entries = new Map<string, Entry>();
  /** Sessions per owner, open or reserved (an initialize in flight). */
  readonly #owned = new Map<string | null, number>();
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

  /** The sessions `owner` holds. */
  count(owner: string | null): number {
    return this.#owned.get(owner) ?? 0;
  }

  get(id: string): Session | undefined {
    return this.#entries.get(id);
  }

  delete(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#uncount(entry.owner);
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
   * A place for one more session of `owner`, held until `fill` or `release` (so that initializes in flight
   * count against the cap): closes the expired sessions, then, at the owner's cap, the owner's least recently
   * used idle one. Undefined when every session of the owner is busy.
   */
  async reserve(owner: string | null): Promise<SessionSlot | undefined> {
    await this.expire();
    // From the check to the count, nothing awaits: two initializes of one owner cannot both take the last place.
    let evicted: Entry | undefined;
    if (this.count(owner) >= this.max) {
      const idle = [...this.#entries].find(([, e]) => e.owner === owner && e.busy === 0);
      if (!idle) return undefined;
      this.delete(idle[0]);
      evicted = idle[1];
    }
    this.#owned.set(owner, this.count(owner) + 1);
    // The place is taken already: a server that fails to close must not leave it counted twice or not at all.
    await evicted?.server.close().catch(() => undefined);
    let held = true;
    return {
      fill: (id, session) => {
        if (!held) return;
        held = false;
        this.#entries.set(id, { ...session, owner, busy: 0, lastSeen: this.now() });
      },
      release: () => {
        if (!held) return;
        held = false;
        this.#uncount(owner);
      },
    };
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
    this.#owned.clear();
    await Promise.allSettled(all.map(([, { server }]) => server.close()));
  }

  #uncount(owner: string | null): void {
    const left = this.count(owner) - 1;
    if (left > 0) this.#owned.set(owner, left);
    else this.#owned.delete(owner);
  }

  async #close(id: string, entry: Entry): Promise<void> {
    this.delete(id);
    await entry.server.close();
  }
}
