import type { SelfLearningMemory } from '../memory/index.js';
import { formatFamily, type Sample } from './prometheus.js';

/** What one open memory reports to `/metrics`, read from its `stats()`. */
export interface NamespaceGauges {
  namespace: string;
  episodes: number;
  completedEpisodes: number;
  steps: number;
  patterns: number;
  heuristics: number;
  /** Completed episodes by outcome (success, partial, failure, abstained). */
  byOutcome: Record<string, number>;
  /** Items waiting for this process's background embedding; null when embeddings are off. */
  embeddingQueueDepth: number | null;
  resultCache: { hits: number; misses: number; entries: number };
  queryEmbeddingCache: { hits: number; misses: number };
}

/** The memories' side of `/metrics`, one entry per namespace, sorted. */
export interface MemoryGauges {
  namespaces: NamespaceGauges[];
}

/**
 * Reads `stats()` of every memory the server has open (the shared one, one per namespace bound to a token).
 * Two memories in one namespace would print the same series twice, which Prometheus rejects, so they are merged:
 * the store's counts once, the per-process caches and queues added up.
 *
 * @example
 * const text = metrics.render(await memoryGauges([memory, ...tokenMemories]));
 */
export async function memoryGauges(memories: readonly SelfLearningMemory[]): Promise<MemoryGauges> {
  const stats = await Promise.all(
    memories.map(async (m) => ({ namespace: m.namespace, s: await m.stats() })),
  );
  const byNamespace = new Map<string, NamespaceGauges>();
  for (const { namespace, s } of stats) {
    const pending = s.embeddings ? s.embeddings.pending : null;
    const seen = byNamespace.get(namespace);
    if (!seen) {
      byNamespace.set(namespace, {
        namespace,
        episodes: s.episodes,
        completedEpisodes: s.completedEpisodes,
        steps: s.steps,
        patterns: s.patterns,
        heuristics: s.heuristics,
        byOutcome: { ...s.byOutcome },
        embeddingQueueDepth: pending,
        resultCache: { hits: s.queryCache.hits, misses: s.queryCache.misses, entries: s.queryCache.size },
        queryEmbeddingCache: { ...s.queryEmbeddingCache },
      });
      continue;
    }
    if (pending !== null) seen.embeddingQueueDepth = (seen.embeddingQueueDepth ?? 0) + pending;
    seen.resultCache.hits += s.queryCache.hits;
    seen.resultCache.misses += s.queryCache.misses;
    seen.resultCache.entries += s.queryCache.size;
    seen.queryEmbeddingCache.hits += s.queryEmbeddingCache.hits;
    seen.queryEmbeddingCache.misses += s.queryEmbeddingCache.misses;
  }
  return { namespaces: [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace)) };
}

type Family = [name: string, type: 'counter' | 'gauge', help: string, samples: Sample[]];

/** The gauge and counter families of the memories, in the exposition format. */
export function renderMemoryGauges(memory: MemoryGauges): string {
  const ns = memory.namespaces;
  const per = (pick: (g: NamespaceGauges) => number | null): Sample[] =>
    ns.flatMap((g) => {
      const value = pick(g);
      return value === null ? [] : [{ labels: { namespace: g.namespace }, value }];
    });
  const caches = (pick: (c: { hits: number; misses: number }) => number): Sample[] =>
    ns.flatMap((g) => [
      { labels: { namespace: g.namespace, cache: 'result' }, value: pick(g.resultCache) },
      { labels: { namespace: g.namespace, cache: 'query_embedding' }, value: pick(g.queryEmbeddingCache) },
    ]);
  const outcomes = ns.flatMap((g) =>
    Object.entries(g.byOutcome).map(([outcome, value]) => ({
      labels: { namespace: g.namespace, outcome },
      value,
    })),
  );
  const families: Family[] = [
    ['slmem_episodes', 'gauge', 'Episodes stored, in progress included.', per((g) => g.episodes)],
    ['slmem_completed_episodes', 'gauge', 'Completed episodes.', per((g) => g.completedEpisodes)],
    ['slmem_completed_episodes_by_outcome', 'gauge', 'Completed episodes by outcome.', outcomes],
    ['slmem_steps', 'gauge', 'Steps stored.', per((g) => g.steps)],
    ['slmem_patterns', 'gauge', 'Patterns learned.', per((g) => g.patterns)],
    ['slmem_heuristics', 'gauge', 'Heuristics learned.', per((g) => g.heuristics)],
    [
      'slmem_embedding_queue_depth',
      'gauge',
      'Items waiting for background embedding in this process (absent when embeddings are off).',
      per((g) => g.embeddingQueueDepth),
    ],
    [
      'slmem_retrieval_cache_hits_total',
      'counter',
      'Hits of the retrieval result and query-embedding caches.',
      caches((c) => c.hits),
    ],
    [
      'slmem_retrieval_cache_misses_total',
      'counter',
      'Misses of the retrieval result and query-embedding caches.',
      caches((c) => c.misses),
    ],
    [
      'slmem_retrieval_cache_entries',
      'gauge',
      'Retrieval results held in the cache.',
      per((g) => g.resultCache.entries),
    ],
  ];
  return families.map((f) => formatFamily(...f)).join('');
}

// The process metrics under the names prom-client and client_golang use, so stock dashboards find them.
const PROCESS_START = Math.round((Date.now() / 1000 - process.uptime()) * 1000) / 1000;

/** CPU, memory and start time of this process, in the exposition format. */
export function renderProcessGauges(): string {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const families: Family[] = [
    [
      'process_cpu_seconds_total',
      'counter',
      'User and system CPU time spent in seconds.',
      [{ value: (cpu.user + cpu.system) / 1e6 }],
    ],
    ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [{ value: mem.rss }]],
    [
      'process_start_time_seconds',
      'gauge',
      'Start time of the process since unix epoch in seconds.',
      [{ value: PROCESS_START }],
    ],
    ['nodejs_heap_size_used_bytes', 'gauge', 'V8 heap used in bytes.', [{ value: mem.heapUsed }]],
  ];
  return families.map((f) => formatFamily(...f)).join('');
}
