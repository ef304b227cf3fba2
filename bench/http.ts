/**
 * `tsx bench/http.ts`: issue 12's note, "page load time and API p95 at 10k episodes". One store of generated
 * tau-retail and webarena episodes (as `npm run bench` makes them, start times spread over 26 weeks so the
 * progress chart has a history) grown to 1k, then 10k; at each size a server in a child process serves it, the
 * API is timed over a real socket, and the page is loaded in headless Chromium. Prints a table and writes
 * bench/results-http.json (not with --quick). A script, not a test: nothing asserts a timing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { roundedJson } from '../eval/table.js';
import type { SelfLearningMemory } from '../src/index.js';
import { loadSources, type Sources } from './data.js';
import { fill, generate, openBench, queries } from './fixtures.js';
import { apiTargets, measureApi, type StoreFacts } from './http-api.js';
import { measurePages, type PageTarget } from './http-page.js';
import { type HttpRow, httpTable } from './http-table.js';
import { createRng, type Rng } from './rng.js';

const SEED = 20_261_129;
/** Clients calling retrieve and playbook back to back while every route is timed again: the "4 heavy". */
const HEAVY_CLIENTS = 4;
/** The routes timed during the mixed run: the cheap ones, which must not wait for the writers and readers. */
const MIXED_TIMED = new Set(['GET /health (baseline)', 'GET /api/episodes', 'GET /api/episodes/:id']);
const WEEK = 7 * 24 * 3600 * 1000;
const FIRST_MONDAY = Date.UTC(2026, 0, 5);
const log = (message: string) =>
  process.stderr.write(`bench:http: [${(performance.now() / 1000).toFixed(0)} s] ${message}\n`);

/** Generated episodes whose start times fall anywhere in 26 weeks, so progress has one point a week. */
function spread(sources: Sources, rng: Rng, count: number, from: number) {
  return generate(sources, rng, count, from).map((record) => ({
    ...record,
    startedAt: new Date(FIRST_MONDAY + Math.floor(rng.next() * 26 * WEEK)).toISOString(),
  }));
}

/**
 * Grows the store to `size`, then copies it for the server (`backup`): the server process gets a file of its own
 * while this one keeps its connection open. (Reopening a file after another process had it open and closed it
 * killed this process with SIGBUS in two of three runs.)
 */
async function grow(memory: SelfLearningMemory, ctx: GrowContext, from: number, size: number) {
  const { sources, rng } = ctx;
  for (let at = from; at < size; at += 1000) await fill(memory, spread(sources, rng, 1000, at), 1000);
  await memory.reindex();
  const copy = join(ctx.dir, `serve-${size}.db`);
  await memory.backup(copy);
  const stats = await memory.stats();
  const ids: string[] = [];
  for (let k = 0; k < 4; k++) {
    const page = await memory.listEpisodes({ limit: 100, offset: rng.int(0, size - 100) });
    ids.push(...page.map((e) => e.id));
  }
  for (let i = ids.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const facts: StoreFacts = { ids, domains: Object.keys(stats.byDomain), texts: queries(sources, rng, 400) };
  return { copy, facts, patterns: stats.patterns };
}

interface GrowContext {
  dir: string;
  sources: Sources;
  rng: Rng;
}

/** `bench/http-serve.ts` in a child process: its own event loop, as `slmem serve` would have. */
async function serve(
  db: string,
  readers: number,
): Promise<{ url: string; warmSec: number; stop(): Promise<void> }> {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const script = fileURLToPath(new URL('http-serve.ts', import.meta.url));
  const child = spawn(tsx, [script, db, String(readers)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((code) => Promise.reject(new Error(`the bench server exited (${code}) before listening`))),
  ]);
  const { url, warmSec } = JSON.parse(first) as { url: string; warmSec: number };
  return {
    url: url.replace(/\/$/, ''),
    warmSec,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Load (bench/http-load.ts) in a child process until `stop`: `clients` calling retrieve and playbook, `writers`
 * recording episodes.
 */
async function heavyLoad(url: string, clients: number, texts: readonly string[], writers = 0) {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const script = fileURLToPath(new URL('http-load.ts', import.meta.url));
  const child = spawn(tsx, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  child.stdin.write(`${JSON.stringify({ url, clients, writers, texts })}\n`);
  if ((await next()) !== 'ready') throw new Error('the heavy clients did not start');
  const started = performance.now();
  return {
    async stop(): Promise<{
      calls: number;
      writes: number;
      failed: number;
      perSec: number;
      seconds: number;
    }> {
      child.stdin.end();
      const done = JSON.parse(await next()) as { calls: number; writes: number; failed: number };
      const seconds = (performance.now() - started) / 1000;
      return { ...done, perSec: done.calls / seconds, seconds };
    },
  };
}

/** The server's resident memory (MB) and its event loop's delay histogram (cumulative counts by bound, in ms). */
async function serverGauges(url: string): Promise<{ rssMb: number; loop: Map<number, number> }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  const loop = new Map<number, number>();
  for (const [, le, count] of text.matchAll(/^slmem_eventloop_delay_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm))
    loop.set(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le) * 1000, Number(count));
  return { rssMb: rss / 1e6, loop };
}

/**
 * The longest event-loop delay between two reads of the histogram, as the bound of the highest bucket that
 * gained a count (ms; "≤ bound").
 */
function longestDelayMs(before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  const within = bounds.find((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= total);
  return within ?? Number.NaN;
}

/** The views issue 12 names, each with the element that says it is drawn. */
const pageTargets = (facts: StoreFacts): PageTarget[] => [
  { name: 'page: episodes list', route: '/episodes', testid: 'episode-row' },
  { name: 'page: episode view', route: `/episodes/${facts.ids[0]}`, testid: 'timeline-step' },
  { name: 'page: progress chart', route: '/progress', testid: 'progress-chart' },
  { name: 'page: patterns', route: '/patterns', testid: 'pattern-row' },
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'api-only': { type: 'boolean', default: false },
      readers: { type: 'string', default: '1' },
      sizes: { type: 'string', default: '1000,10000' },
    },
  });
  const quick = values.quick;
  const withPages = !values['api-only'];
  const sizes = quick ? [1000] : values.sizes.split(',').map(Number);
  const counts = quick ? { n: 50, warmup: 10, loads: 3 } : { n: 200, warmup: 20, loads: 10 };
  const datasets = new URL('../../shared/datasets/', import.meta.url);
  if (!existsSync(fileURLToPath(datasets))) {
    log(`the datasets folder ${fileURLToPath(datasets)} is missing (webarena-intents/, tau-retail/)`);
    return 1;
  }
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const sources = await loadSources(datasets);
  const rng = createRng(SEED);
  const dir = await mkdtemp(join(process.env.SLMEM_BENCH_DIR || tmpdir(), 'slmem-bench-http-'));
  const memory = await openBench(join(dir, 'growth.db'), 'hash');
  const rows: HttpRow[] = [];
  try {
    let stored = 0;
    for (const size of sizes) {
      log(`growing the store to ${size} episodes (import, then hash vectors)`);
      const { copy, facts, patterns } = await grow(memory, { dir, sources, rng }, stored, size);
      stored = size;
      log(`${size} episodes stored (${patterns} patterns); starting the server on a copy`);
      const server = await serve(copy, Number(values.readers));
      try {
        log(
          `server at ${server.url} (vector index loaded in ${server.warmSec.toFixed(2)} s); timing the API`,
        );
        const started = await serverGauges(server.url);
        const api = await measureApi(server.url, apiTargets(facts), counts);
        const alone = await serverGauges(server.url);
        log(`${size}: API timed alone; again beside ${HEAVY_CLIENTS} clients calling retrieve and playbook`);
        const load = await heavyLoad(server.url, HEAVY_CLIENTS, facts.texts);
        const busy = await measureApi(server.url, apiTargets(facts), counts);
        const loaded = await serverGauges(server.url);
        const heavy = {
          ...(await load.stop()),
          rssMb: { start: started.rssMb, alone: alone.rssMb, busy: loaded.rssMb },
          loopMaxMs: {
            alone: longestDelayMs(started.loop, alone.loop),
            busy: longestDelayMs(alone.loop, loaded.loop),
          },
        };
        log(
          `${size}: the heavy clients made ${heavy.calls} calls (${heavy.perSec.toFixed(0)}/s, ${heavy.failed} failed)`,
        );
        log(
          `${size}: mixed: the cheap routes beside 2 clients writing episodes and 2 calling retrieve and playbook`,
        );
        const mixedLoad = await heavyLoad(server.url, 2, facts.texts, 2);
        const cheap = apiTargets(facts).filter((t) => MIXED_TIMED.has(t.name));
        const mixedApi = await measureApi(server.url, cheap, counts);
        const afterMixed = await serverGauges(server.url);
        const mixedDone = await mixedLoad.stop();
        const mixed = {
          api: mixedApi,
          ...mixedDone,
          rssMb: afterMixed.rssMb,
          loopMaxMs: longestDelayMs(loaded.loop, afterMixed.loop),
        };
        log(`${size}: ${withPages ? 'loading the page in Chromium' : 'pages skipped (--api-only)'}`);
        const pages = withPages ? await measurePages(server.url, pageTargets(facts), counts.loads) : [];
        rows.push({ episodes: size, patterns, warmSec: server.warmSec, api, busy, heavy, mixed, pages });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await memory.close();
    await rm(dir, { recursive: true, force: true });
  }
  const load = { before: loadBefore, after: loadavg()[0] ?? 0, cpus: cpus().length };
  // Only the load before counts: the bench's own three processes raise the one after.
  const noisy = load.before > load.cpus / 2;
  process.stdout.write(`${httpTable(rows)}\n`);
  if (noisy)
    process.stdout.write(
      `NOTE: the machine was busy (load ${load.before.toFixed(1)} on ${load.cpus} cores at the start); expect figures 2-3× an idle run\n`,
    );
  const seconds = (performance.now() - started) / 1000;
  log(`done in ${seconds.toFixed(0)} s`);
  if (quick || !withPages) return 0;
  const top = rows.at(-1);
  const results = {
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cpus: load.cpus,
      node: process.version,
      date: new Date().toISOString(),
    },
    load: { ...load, noisy },
    seed: SEED,
    seconds,
    setup:
      'SQLite temp file, hash embeddings, result cache on; server in a child process (tsx) on 127.0.0.1, no token; ' +
      `client: fetch from the bench process, one request at a time, keep-alive, timed to the last body byte; ` +
      `${counts.n} requests per endpoint after ${counts.warmup} warm-up; retrieve/playbook/q with a new task text each; ` +
      `busy: the same again while ${HEAVY_CLIENTS} clients in another process call retrieve and playbook back to back with new texts; ` +
      'mixed: /health, the list and one episode again while 2 clients record episodes (start, 6 steps, complete) and 2 call retrieve and playbook; ' +
      `page: ${counts.loads} cold loads (new browser context) per view in /usr/bin/chromium headless, ms from navigation start to the frame showing the element`,
    summary: top && {
      episodes: top.episodes,
      pageLoadMedianMs: Object.fromEntries(top.pages.map((p) => [p.name, p.median])),
      apiP95Ms: Object.fromEntries(top.api.map((s) => [s.name, s.p95])),
      apiP95BusyMs: Object.fromEntries(top.busy.map((s) => [s.name, s.p95])),
    },
    sizes: rows,
  };
  await writeFile(new URL('results-http.json', import.meta.url), roundedJson(results));
  log('wrote bench/results-http.json');
  return 0;
}

process.exitCode = await main();
