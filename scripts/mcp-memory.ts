/**
 * Does the MCP server's memory grow without bound? Serves a memory in this process over the SDK's linked
 * in-memory transports, makes N tool calls (episodes with steps, completions, retrievals, playbooks, and
 * invalid calls), and prints the heap after a full GC at checkpoints. A leak grows linearly with calls; a
 * cache fills and then stays flat.
 *
 *   node --expose-gc --import tsx scripts/mcp-memory.ts [calls=40000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../src/mcp/index.js';
import { SelfLearningMemory } from '../src/memory/index.js';

const calls = Number(process.argv[2] ?? 40_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('mcp-memory: run with node --expose-gc --import tsx\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'slmem-mcp-memory-'));
const memory = await SelfLearningMemory.open({
  db: join(dir, 'm.db'),
  embeddings: { provider: 'hash' },
  log: () => {},
});
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
const server = createMcpServer(memory);
await server.connect(serverSide);
const client = new Client({ name: 'mcp-memory', version: '0.0.0' });
await client.connect(clientSide);
await client.listTools();

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
function sample(done: number): void {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(
    `${String(done).padStart(6)} calls  heap ${mb(m.heapUsed)} MB  rss ${mb(m.rss)} MB  external ${mb(m.external)} MB\n`,
  );
}

let done = 0;
let episode = '';
const every = Math.max(1, Math.floor(calls / 10));
sample(0);
while (done < calls) {
  // MCP_MEMORY_READS=N: after N calls only reads, so a growing store cannot explain a growing RSS.
  const readsAfter = Number(process.env.MCP_MEMORY_READS ?? Number.POSITIVE_INFINITY);
  const n = done >= readsAfter ? 9 + (done % 2) : done % 12;
  if (n === 0) {
    const r = await client.callTool({
      name: 'start_episode',
      arguments: { task: `fix build ${done % 300} in module ${done % 17}`, domain: `d${done % 5}` },
    });
    episode = (r.structuredContent as { episode_id?: string } | undefined)?.episode_id ?? episode;
  } else if (n < 8) {
    await client.callTool({
      name: 'log_step',
      arguments: { episode_id: episode, tool: ['read', 'edit', 'test'][n % 3], action: `step ${n}` },
    });
  } else if (n === 8) {
    await client.callTool({
      name: 'complete_episode',
      arguments: { episode_id: episode, outcome: done % 3 ? 'success' : 'failure', reason: 'flaky' },
    });
  } else if (n === 9) {
    await client.callTool({
      name: 'retrieve_context',
      arguments: { task: `fix build ${done % 997}`, domain: `d${done % 5}` },
    });
  } else if (n === 10) {
    await client.callTool({ name: 'recommend_playbook', arguments: { task: `fix build ${done % 991}` } });
  } else {
    await client
      .callTool({ name: 'log_step', arguments: { episode_id: 'nope', tool: '' } })
      .catch(() => undefined);
  }
  done++;
  if (done % every === 0) sample(done);
}
await client.close();
await server.close();
await memory.close();
rmSync(dir, { recursive: true, force: true });
