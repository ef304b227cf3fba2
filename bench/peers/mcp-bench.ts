import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { McpSystem } from './mcp-systems.js';
import { type Latency, latency, log, round } from './stats.js';
import type { McpWorkload, SearchQuery } from './workload.js';

export interface SearchFigures {
  latency: Latency;
  /** Searches that returned at least one memory of the query's template. */
  relevance: number;
  /** Searches that returned anything at all. */
  nonEmpty: number;
  meanResults: number;
}

export interface McpRun {
  system: string;
  write: string;
  search: string;
  /** Memories asked for, and how many were stored before the write budget ran out. */
  target: number;
  stored: number;
  capped: boolean;
  writeSeconds: number;
  writes: Latency;
  /** The last tenth of the writes: the cost at (about) the final size. */
  lastWrites: Latency;
  searches: SearchFigures;
  /** server-memory only: the same searches with one word of the query (its longest). */
  keywordSearches?: SearchFigures;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

/** The query's longest word: what a substring matcher needs to find anything. */
export function keyword(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .reduce((best, word) => (word.length > best.length ? word : best), '')
    .toLowerCase();
}

async function searchAll(
  queries: readonly SearchQuery[],
  find: (text: string) => Promise<string[]>,
  templateOf: ReadonlyMap<string, number>,
): Promise<SearchFigures> {
  const ms: number[] = [];
  let relevant = 0;
  let nonEmpty = 0;
  let results = 0;
  for (const query of queries) {
    const { value: ids, ms: took } = await timed(() => find(query.text));
    ms.push(took);
    if (ids.length > 0) nonEmpty++;
    results += ids.length;
    if (ids.some((id) => templateOf.get(id) === query.templateId)) relevant++;
  }
  const n = Math.max(1, queries.length);
  return {
    latency: latency(ms),
    relevance: round(relevant / n),
    nonEmpty: round(nonEmpty / n),
    meanResults: round(results / n, 1),
  };
}

/**
 * Stores the workload's memories one by one through the server's tools (each write timed as the calls it
 * takes), then runs the searches. Writing stops once `budgetMs` is spent; the searches then run on what was
 * stored and the run says it was capped.
 */
export async function runMcp(system: McpSystem, workload: McpWorkload, budgetMs: number): Promise<McpRun> {
  const dir = mkdtempSync(join(tmpdir(), `bench-peers-${system.name}-`));
  const client = await system.connect(dir);
  try {
    const templateOf = new Map<string, number>();
    const writeMs: number[] = [];
    const started = performance.now();
    for (const memory of workload.memories) {
      if (performance.now() - started > budgetMs) break;
      const { value: id, ms } = await timed(() => system.store(client, memory));
      templateOf.set(id, memory.templateId);
      writeMs.push(ms);
      if (writeMs.length % 2000 === 0) log(`${system.name}: ${writeMs.length} stored`);
    }
    const writeSeconds = round((performance.now() - started) / 1000, 1);
    const target = workload.memories.length;
    log(`${system.name}: ${writeMs.length}/${target} stored in ${writeSeconds} s; searching`);
    const run: McpRun = {
      system: system.name,
      write: system.write,
      search: system.search,
      target,
      stored: writeMs.length,
      capped: writeMs.length < target,
      writeSeconds,
      writes: latency(writeMs),
      lastWrites: latency(writeMs.slice(-Math.max(1, Math.floor(writeMs.length / 10)))),
      searches: await searchAll(workload.queries, (q) => system.find(client, q), templateOf),
    };
    if (system.name === 'server-memory')
      run.keywordSearches = await searchAll(
        workload.queries,
        (q) => system.find(client, keyword(q)),
        templateOf,
      );
    return run;
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
