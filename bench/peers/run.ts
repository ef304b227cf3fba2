/**
 * `npm run bench:peers`: our memory beside what users would otherwise pick. (1) MCP memory servers over stdio
 * with one SDK client and one workload: the official `@modelcontextprotocol/server-memory` and `slmem mcp`.
 * (2) In-memory search: Orama beside our `retrieve` on the eval's webarena task. Prints tables, writes
 * bench/peers/results.json. The peers are pinned devDependencies: measured, never shipped. `npm run bench --
 * --peers` runs the same suite beside the growth, in one process.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { slmem } from './mcp-systems.js';
import { log } from './stats.js';
import { benchPeers, peersReport } from './suite.js';

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

const datasets = new URL('../../../shared/datasets/', import.meta.url);
const result = await benchPeers(datasets, { sizes, searches, budgetMs, slmem });
console.log(peersReport(result, searches));

if (!values['no-write']) {
  await writeFile(
    new URL('./results.json', import.meta.url),
    `${JSON.stringify({ machine, date, ...result }, null, 2)}\n`,
  );
  log('wrote bench/peers/results.json');
}
