/**
 * The PostgreSQL crash round: writers record episodes through the library, the REST API and MCP (both served
 * by a real `slmem serve` process) while the round crashes PostgreSQL (`pg_ctl restart -m immediate`) or
 * SIGKILLs the server, waiting each time until every writer has made progress again. Then it checks that each
 * write a writer saw acknowledged is in the store, and that the steps' times agree with their order.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SelfLearningMemory } from '../../src/index.js';

export type CrashEvent = 'crash-postgres' | 'kill-server';
type Face = 'library' | 'rest' | 'mcp';
const FACES: readonly Face[] = ['library', 'rest', 'mcp'];

export interface PgRoundOptions {
  /** The store, e.g. `postgres://…/slmem?schema=crash` (`?synchronous_commit=off` to see what it protects). */
  db: string;
  /** The built CLI (`dist/cli/main.js`) that serves REST and MCP. */
  cli: string;
  /** Crashes PostgreSQL; see `crashableCluster`. */
  crashPostgres(): Promise<void>;
  events: readonly CrashEvent[];
  /** Acknowledged writes each face must add before the first event and after each one (default 15). */
  progress?: number;
  log?: (line: string) => void;
}

export interface PgRoundReport {
  /** Writes acknowledged per face. */
  acknowledged: Record<Face, { episodes: number; steps: number; completions: number }>;
  /** Calls that failed (the server was down, a connection broke): not acknowledged, not checked. */
  failedCalls: number;
  /** Acknowledged writes missing from the store, and disagreements of time and order: empty when all is well. */
  problems: string[];
}

interface Ledger {
  face: Face;
  episodes: Map<string, { steps: string[]; completed: boolean }>;
  acks: number;
}

/** One write path: start, log, complete, each resolving only once the face acknowledged it. */
interface Writer {
  start(task: string): Promise<string>;
  step(id: string, action: string, failed: boolean): Promise<void>;
  complete(id: string, success: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function pgCrashRound(options: PgRoundOptions): Promise<PgRoundReport> {
  const log = options.log ?? (() => {});
  const progress = options.progress ?? 15;
  const server = new Server(options.cli, options.db);
  await server.start();
  const library = await SelfLearningMemory.open({ db: options.db, embeddings: false, log: () => {} });
  const ledgers = FACES.map((face): Ledger => ({ face, episodes: new Map(), acks: 0 }));
  let failedCalls = 0;
  let stopped = false;
  const writers: Record<Face, Writer> = {
    library: libraryWriter(library),
    rest: restWriter(server),
    mcp: mcpWriter(server),
  };
  const loops = ledgers.map(async (ledger) => {
    const writer = writers[ledger.face];
    for (let n = 0; !stopped; n++) {
      try {
        await writeEpisode(writer, ledger, `${ledger.face} episode ${n}: refund the damaged order`, n);
      } catch {
        failedCalls++;
        await sleep(50);
      }
    }
  });
  const untilProgress = async (what: string) => {
    const from = ledgers.map((l) => l.acks);
    const deadline = Date.now() + 120_000;
    while (ledgers.some((l, i) => l.acks - (from[i] ?? 0) < progress)) {
      if (Date.now() > deadline) {
        const stuck = ledgers.filter((l, i) => l.acks - (from[i] ?? 0) < progress).map((l) => l.face);
        throw new Error(`${what}: no progress in 120 s from ${stuck.join(', ')}`);
      }
      await sleep(20);
    }
  };
  try {
    await untilProgress('before the first event');
    for (const event of options.events) {
      const started = Date.now();
      if (event === 'crash-postgres') await options.crashPostgres();
      else await server.kill();
      log(`${event} (${Date.now() - started} ms); waiting for every face to write again`);
      if (event === 'kill-server') await server.start();
      await untilProgress(`after ${event}`);
      log(`every face wrote ${progress} more after ${event}: ${Date.now() - started} ms`);
    }
  } finally {
    stopped = true;
    await Promise.all(loops);
    await Promise.allSettled(Object.values(writers).map((w) => w.close()));
    await library.close();
    await server.kill();
  }
  const report = {
    acknowledged: Object.fromEntries(
      ledgers.map((l) => [l.face, counts(l)]),
    ) as PgRoundReport['acknowledged'],
    failedCalls,
    problems: await verify(options.db, ledgers),
  };
  return report;
}

/** 1-6 steps, one in ten failed, then completed 7 times in 10; a call that fails abandons the episode. */
async function writeEpisode(writer: Writer, ledger: Ledger, task: string, n: number): Promise<void> {
  const id = await writer.start(task);
  const entry = { steps: [] as string[], completed: false };
  ledger.episodes.set(id, entry);
  ledger.acks++;
  const steps = 1 + (n % 6);
  for (let i = 1; i <= steps; i++) {
    const action = `step ${i}`;
    await writer.step(id, action, (n + i) % 10 === 0);
    entry.steps.push(action);
    ledger.acks++;
  }
  if (n % 10 < 7) {
    await writer.complete(id, n % 3 !== 0);
    entry.completed = true;
    ledger.acks++;
  }
}

function counts(ledger: Ledger) {
  const all = [...ledger.episodes.values()];
  return {
    episodes: all.length,
    steps: all.reduce((sum, e) => sum + e.steps.length, 0),
    completions: all.filter((e) => e.completed).length,
  };
}

async function verify(db: string, ledgers: readonly Ledger[]): Promise<string[]> {
  const problems: string[] = [];
  const memory = await SelfLearningMemory.open({ db, embeddings: false, log: () => {} });
  try {
    for (const ledger of ledgers) {
      const ids = [...ledger.episodes.keys()];
      const stored = new Map((await memory.getEpisodes(ids, { steps: true })).map((e) => [e.id, e]));
      for (const [id, acked] of ledger.episodes) {
        const episode = stored.get(id);
        if (!episode) {
          problems.push(`${ledger.face}: episode ${id} was acknowledged but is missing`);
          continue;
        }
        const actions = new Set(episode.steps.map((s) => s.action));
        const lost = acked.steps.filter((a) => !actions.has(a));
        if (lost.length > 0)
          problems.push(`${ledger.face}: episode ${id} lost acknowledged ${lost.join(', ')}`);
        if (acked.completed && !episode.outcome)
          problems.push(`${ledger.face}: episode ${id}: completion acknowledged but lost`);
        for (const [i, step] of episode.steps.entries()) {
          const before = episode.steps[i - 1];
          if (step.seq !== i + 1)
            problems.push(`${ledger.face}: episode ${id}: step ${i + 1} has seq ${step.seq}`);
          if (before && step.at < before.at)
            problems.push(
              `${ledger.face}: episode ${id}: step ${step.seq} at ${step.at} before step ${before.seq}`,
            );
          if (episode.endedAt && step.at > episode.endedAt)
            problems.push(`${ledger.face}: episode ${id}: step ${step.seq} at ${step.at} after the end`);
        }
      }
    }
  } finally {
    await memory.close();
  }
  return problems;
}

function libraryWriter(memory: SelfLearningMemory): Writer {
  return {
    start: async (task) => (await memory.startEpisode({ task, context: { domain: 'crash' } })).id,
    async step(id, action, failed) {
      await memory.logStep(id, {
        tool: 'orders',
        action,
        result: failed ? { status: 'error', message: 'timeout' } : { status: 'success' },
      });
    },
    async complete(id, success) {
      await memory.completeEpisode(
        id,
        success ? { status: 'success' } : { status: 'failure', reason: 'gave up' },
      );
    },
    close: async () => {},
  };
}

function restWriter(server: Server): Writer {
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  return {
    start: async (task) => String((await post('/api/episodes', { task, domain: 'crash' })).episode_id),
    async step(id, action, failed) {
      await post(`/api/episodes/${id}/steps`, {
        tool: 'orders',
        action,
        ...(failed ? { error: 'timeout' } : {}),
      });
    },
    async complete(id, success) {
      await post(
        `/api/episodes/${id}/complete`,
        success ? { outcome: 'success' } : { outcome: 'failure', reason: 'gave up' },
      );
    },
    close: async () => {},
  };
}

/** An MCP client over Streamable HTTP; after a failed call it connects again (the server may be a new one). */
function mcpWriter(server: Server): Writer {
  let client: Client | undefined;
  const call = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (!client) {
      const fresh = new Client({ name: 'crash-round', version: '0.0.0' });
      await fresh.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
      client = fresh;
    }
    try {
      const result = (await client.callTool({ name, arguments: args }, undefined, {
        timeout: 5_000,
      })) as CallToolResult;
      if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
      return result.structuredContent ?? {};
    } catch (error) {
      const broken = client;
      client = undefined;
      await broken.close().catch(() => {});
      throw error;
    }
  };
  return {
    start: async (task) => String((await call('start_episode', { task, domain: 'crash' })).episode_id),
    async step(id, action, failed) {
      await call('log_step', {
        episode_id: id,
        tool: 'orders',
        action,
        ...(failed ? { error: 'timeout' } : {}),
      });
    },
    async complete(id, success) {
      await call('complete_episode', {
        episode_id: id,
        ...(success ? { outcome: 'success' } : { outcome: 'failure', reason: 'gave up' }),
      });
    },
    close: async () => {
      await client?.close();
    },
  };
}

/** `slmem serve` on a free port, in a process of its own. */
class Server {
  url = '';
  #child: ChildProcess | undefined;

  constructor(
    readonly cli: string,
    readonly db: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [this.cli, '--db', this.db, 'serve', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#child = child;
    this.url = await new Promise<string>((done, fail) => {
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const found = /at (http:\/\/\S+)/.exec(stderr);
        if (found?.[1]) done(found[1]);
      });
      child.once('exit', (code) =>
        fail(new Error(`slmem serve exited (${code}) before listening: ${stderr}`)),
      );
    });
  }

  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
