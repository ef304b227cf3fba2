/**
 * Round-trip latency of `slmem mcp` over stdio, as an agent sees it: spawns the built CLI (hash embeddings, a
 * temp database), records a whole cycle, then times 200 log_step and 100 retrieve_context calls.
 *
 *   npm run build && npx tsx scripts/mcp-roundtrip.ts
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const MAIN = resolve(import.meta.dirname, '../dist/cli/main.js');
if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);

const dir = mkdtempSync(join(tmpdir(), 'slmem-roundtrip-'));
const client = new Client({ name: 'roundtrip', version: '0.0.0' });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, '--db', join(dir, 'memory.db'), '--embeddings', 'hash', 'mcp'],
    env: { ...process.env, SLMEM_DB: '' } as Record<string, string>,
    stderr: 'inherit',
  }),
);

async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent ?? {};
}

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

function report(label: string, sorted: number[]): void {
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  console.log(
    `${label.padEnd(18)} n=${sorted.length}  p50 ${at(0.5).toFixed(2)} ms  p95 ${at(0.95).toFixed(2)} ms`,
  );
}

try {
  // A small history, so retrieval has something to rank: 30 whole cycles.
  const areas = ['login test', 'checkout flow', 'search index', 'billing export', 'image upload'];
  for (let i = 0; i < 30; i++) {
    const area = areas[i % areas.length];
    const { episode_id } = await call('start_episode', {
      task: `Fix the failing ${area} (case ${i})`,
      domain: 'web',
    });
    await call('log_step', {
      episode_id,
      tool: 'bash',
      action: 'npm test',
      error: `${area} assertion failed`,
    });
    await call('log_step', { episode_id, tool: 'edit', action: `fix the ${area}` });
    await call('log_step', { episode_id, tool: 'bash', action: 'npm test', output: 'all passed' });
    await call('complete_episode', {
      episode_id,
      outcome: i % 4 === 0 ? 'failure' : 'success',
      reason: 'flaky',
    });
  }

  const { episode_id } = await call('start_episode', { task: 'Measure log_step round trips', domain: 'web' });
  report(
    'log_step',
    await timed(200, (i) =>
      call('log_step', { episode_id, tool: 'bash', action: `step ${i}`, output: 'ok', latency_ms: 10 }),
    ),
  );
  await call('complete_episode', { episode_id, outcome: 'success', verdict: 'measured' });
  report(
    'retrieve_context',
    await timed(100, (i) =>
      call('retrieve_context', {
        task: `${areas[i % areas.length]} fails after upgrade ${i}`,
        domain: 'web',
      }),
    ),
  );
} finally {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
