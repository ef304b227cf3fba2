/**
 * What do abandoned MCP sessions cost a server? Serves a memory over Streamable HTTP (`startHttpServer`, the
 * session cap at its default of 100 per namespace), then opens N sessions that initialize, list the tools and
 * never end, as clients that crash or forget DELETE do; prints the heap after a full GC at checkpoints. Past
 * the cap the least recently used idle session makes room, so the heap should stop growing there.
 *
 *   node --expose-gc --import tsx scripts/mcp-sessions-memory.ts [sessions=1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer } from '../src/http/index.js';
import { SelfLearningMemory } from '../src/memory/index.js';

const total = Number(process.argv[2] ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('mcp-sessions-memory: run with node --expose-gc --import tsx\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'slmem-mcp-sessions-'));
const memory = await SelfLearningMemory.open({
  db: join(dir, 'm.db'),
  embeddings: { provider: 'hash' },
  log: () => {},
});
const http = await startHttpServer(memory, { port: 0, api: false });
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function post(body: unknown, session?: string): Promise<Response> {
  const response = await fetch(http.mcpUrl, {
    method: 'POST',
    headers: {
      ...headers,
      ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
    },
    body: JSON.stringify(body),
  });
  await response.text();
  if (!response.ok && response.status !== 202) throw new Error(`${response.status} from /mcp`);
  return response;
}

/** A client that initializes, lists the tools, and goes away without DELETE. */
async function abandonedSession(n: number): Promise<void> {
  const init = await post({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: `client-${n}`, version: '0' },
    },
  });
  const session = init.headers.get('mcp-session-id') ?? '';
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, session);
}

function report(label: string): void {
  gc?.();
  gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(
    `${label.padEnd(24)} heap ${(heapUsed / 1e6).toFixed(1)} MB, rss ${(rss / 1e6).toFixed(1)} MB\n`,
  );
}

try {
  report('0 sessions');
  for (let n = 1; n <= total; n++) {
    await abandonedSession(n);
    if (n === 100 || n % 500 === 0 || n === total) report(`${n} sessions opened`);
  }
} finally {
  await http.close();
  await memory.close();
  rmSync(dir, { recursive: true, force: true });
}
