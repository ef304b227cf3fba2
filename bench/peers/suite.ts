/**
 * The peer comparison as one call, shared by `npm run bench:peers` and `npm run bench -- --peers`: the MCP
 * memory servers at each size, then Orama beside our `retrieve` on the webarena task; the results with their
 * notes and the verdicts issue 11 asks for (faster than Orama at equal recall, faster than server-memory over
 * MCP at every size, with its relevance).
 */
import { loadWebarena } from '../../eval/webarena.js';
import { type McpRun, runMcp } from './mcp-bench.js';
import { type McpSystem, serverMemory } from './mcp-systems.js';
import { type RetrievalRow, runRetrieval } from './orama-bench.js';
import { log, round } from './stats.js';
import { mcpTable, retrievalTable, versusTable } from './tables.js';
import { mcpWorkload } from './workload.js';

export interface PeersOptions {
  /** Memories stored over MCP, one run per size. */
  sizes: readonly number[];
  searches: number;
  /** A run stops writing after this and searches what it stored (marked capped). */
  budgetMs: number;
  /** Our MCP server: the built CLI or the source. */
  slmem: McpSystem;
}

export interface Verdict {
  /** `orama bm25`, `orama hybrid`, `server-memory @10k`. */
  versus: string;
  /** Their p95 over ours: above 1, we are faster. */
  p95Ratio: number;
  /** Recall@5 (Orama) or relevance (MCP), ours and theirs. */
  quality: { slmem: number; peer: number };
  /** At least their quality (within 0.005) and a lower p95. */
  faster: boolean;
  note: string;
}

export interface PeersResult {
  peers: Record<string, string>;
  mcp: { notes: string[]; runs: McpRun[] };
  retrieval: { notes: string[]; rows: RetrievalRow[] };
  verdicts: Verdict[];
}

export async function benchPeers(datasets: URL, options: PeersOptions): Promise<PeersResult> {
  const tasks = await loadWebarena(datasets);
  const runs: McpRun[] = [];
  for (const n of options.sizes) {
    const workload = mcpWorkload(tasks, n, options.searches);
    for (const system of [serverMemory, options.slmem]) {
      log(`${system.name}: storing ${n} memories (write budget ${options.budgetMs / 1000} s)`);
      runs.push(await runMcp(system, workload, options.budgetMs));
    }
  }
  const rows = await runRetrieval(tasks);
  return {
    peers: { '@modelcontextprotocol/server-memory': '2026.8.31', '@orama/orama': '3.1.18' },
    mcp: { notes: mcpNotes(options), runs },
    retrieval: { notes: RETRIEVAL_NOTES, rows },
    verdicts: verdicts(runs, rows),
  };
}

/** The tables of a peer run, for stdout. */
export function peersReport(result: PeersResult, searches: number): string {
  return (
    `MCP memory servers over stdio (same SDK client, same workload, ${searches} searches per size)\n\n` +
    `${mcpTable(result.mcp.runs)}\n\n` +
    'Search libraries on the webarena task (812 intents, 788 leave-one-out queries, hash vectors for both)\n\n' +
    `${retrievalTable(result.retrieval.rows)}\n\n` +
    `Issue 11 against the peers (p95 ratio = theirs / ours; above 1 we are faster)\n\n${versusTable(result.verdicts)}\n`
  );
}

const SAME = 0.005;

function verdicts(runs: readonly McpRun[], rows: readonly RetrievalRow[]): Verdict[] {
  const result: Verdict[] = [];
  for (const mode of ['bm25', 'hybrid'] as const) {
    // Orama's first row of a mode is its defaults; ours, our defaults (re-rank on).
    const peer = rows.find((r) => r.library === 'orama' && r.mode === mode);
    const ours = rows.find((r) => r.library === 'slmem' && r.mode === mode);
    if (!peer || !ours) continue;
    result.push(
      verdict(
        `orama ${mode}`,
        peer.latency.p95,
        ours.latency.p95,
        peer.recallAt5,
        ours.recallAt5,
        'recall@5',
      ),
    );
  }
  for (const n of new Set(runs.map((r) => r.target))) {
    const peer = runs.find((r) => r.target === n && r.system === 'server-memory');
    const ours = runs.find((r) => r.target === n && r.system === 'slmem');
    if (!peer || !ours) continue;
    const stored = `stored ${peer.stored} / ${ours.stored}${peer.capped || ours.capped ? ' (capped)' : ''}`;
    result.push(
      verdict(
        `server-memory write @${n}`,
        peer.writes.p95,
        ours.writes.p95,
        peer.searches.relevance,
        ours.searches.relevance,
        stored,
      ),
      verdict(
        `server-memory search @${n}`,
        peer.searches.latency.p95,
        ours.searches.latency.p95,
        peer.searches.relevance,
        ours.searches.relevance,
        `relevance; ${stored}`,
      ),
    );
  }
  return result;
}

function verdict(
  versus: string,
  peerP95: number,
  ourP95: number,
  peerQuality: number,
  ourQuality: number,
  note: string,
): Verdict {
  return {
    versus,
    p95Ratio: ourP95 > 0 ? round(peerP95 / ourP95) : 0,
    quality: { slmem: ourQuality, peer: peerQuality },
    faster: ourP95 < peerP95 && ourQuality >= peerQuality - SAME,
    note,
  };
}

function mcpNotes({ searches, budgetMs }: PeersOptions): string[] {
  return [
    `memories: the webarena intents minus the ${searches} query intents, in a seeded order, then cycled with variations (numbers redrawn, or a prefix) up to N`,
    `server-memory: one create_entities per memory (name memory-i, entityType = site, one observation = the intent); slmem (hash embeddings): start_episode {task, domain} + complete_episode {success}; a write is timed as those calls`,
    `searches: ${searches} intents never stored, whose template keeps another intent in the store; server-memory search_nodes {query} (substring match, all matches returned); slmem search_episodes {query, limit 5}`,
    'relevance: share of searches returning at least one memory of the query intentTemplateId; nonEmpty: share returning anything',
    'keywordSearches (server-memory only): the same searches with the query longest word, the way its substring match can be used',
    `a run stops writing after ${budgetMs / 1000} s and then searches what it stored (capped: true)`,
  ];
}

const RETRIEVAL_NOTES = [
  'the eval webarena task: 812 intents indexed, 788 queries (intents whose template has another intent); leave-one-out by asking for 6 and dropping the query itself',
  'recallAt5: hit-based, at least one other intent of the same template in the top 5',
  'vectors: our hash embedder (384-d) for both libraries; the query is embedded inside the timed call for both',
];
