/**
 * `npm run bench:peers`: our memory beside what users would otherwise pick. (1) MCP memory servers over stdio
 * with one SDK client and one workload: the official `@modelcontextprotocol/server-memory` and `slmem mcp`.
 * (2) In-memory search: Orama beside our `retrieve` on the eval's webarena task. Prints tables, writes
 * bench/peers/results.json. The peers are pinned devDependencies: measured, never shipped.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadWebarena } from '../../eval/webarena.js';
import { type McpRun, runMcp } from './mcp-bench.js';
import { serverMemory, slmem } from './mcp-systems.js';
import { runRetrieval } from './orama-bench.js';
import { log } from './stats.js';
import { mcpTable, retrievalTable } from './tables.js';
import { mcpWorkload } from './workload.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    searches: { type: 'string', default: '100' },
    'budget-s': { type: 'string', default: '90' },
    'no-write': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const searches = Number(values.searches);
const budgetMs = Number(values['budget-s']) * 1000;
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(searches > 0) || !(budgetMs > 0))
  throw new Error(
    'usage: npm run bench:peers -- [--sizes 1000,10000] [--searches 100] [--budget-s 90] [--no-write]',
  );

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version };
const date = new Date().toISOString();
console.log(`machine: ${machine.cpus} x ${machine.cpu}, node ${machine.node}; ${date}\n`);

const tasks = await loadWebarena(new URL('../../../shared/datasets/', import.meta.url));

const mcp: McpRun[] = [];
for (const n of sizes) {
  const workload = mcpWorkload(tasks, n, searches);
  for (const system of [serverMemory, slmem]) {
    log(`${system.name}: storing ${n} memories (write budget ${budgetMs / 1000} s)`);
    mcp.push(await runMcp(system, workload, budgetMs));
  }
}
console.log(
  `MCP memory servers over stdio (same SDK client, same workload, ${searches} searches per size)\n`,
);
console.log(`${mcpTable(mcp)}\n`);

const retrieval = await runRetrieval(tasks);
console.log(
  'Search libraries on the webarena task (812 intents, 788 leave-one-out queries, hash vectors for both)\n',
);
console.log(`${retrievalTable(retrieval)}\n`);

if (!values['no-write']) {
  const file = new URL('./results.json', import.meta.url);
  const results = {
    machine,
    date,
    peers: {
      '@modelcontextprotocol/server-memory': '2026.8.31',
      '@orama/orama': '3.1.18',
    },
    mcp: {
      notes: [
        `memories: the webarena intents minus the ${searches} query intents (712), in a seeded order, then cycled with variations (numbers redrawn, or a prefix) up to N`,
        'server-memory: one create_entities per memory (name memory-i, entityType = site, one observation = the intent); slmem: start_episode {task, domain} + complete_episode {success}; a write is timed as those calls',
        `searches: ${searches} intents never stored, whose template keeps another intent in the store; server-memory search_nodes {query} (substring match, all matches returned); slmem search_episodes {query, limit 5}`,
        'relevance: share of searches returning at least one memory of the query intentTemplateId; nonEmpty: share returning anything',
        'keywordSearches (server-memory only): the same searches with the query longest word, the way its substring match can be used',
        `a run stops writing after ${budgetMs / 1000} s and then searches what it stored (capped: true)`,
      ],
      runs: mcp,
    },
    retrieval: {
      notes: [
        'the eval webarena task: 812 intents indexed, 788 queries (intents whose template has another intent); leave-one-out by asking for 6 and dropping the query itself',
        'recallAt5: hit-based, at least one other intent of the same template in the top 5',
        'vectors: our hash embedder (384-d) for both libraries; the query is embedded inside the timed call for both',
      ],
      rows: retrieval,
    },
  };
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  log('wrote bench/peers/results.json');
}
