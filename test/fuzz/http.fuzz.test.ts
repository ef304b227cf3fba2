import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpHttpServer, startMcpHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { initialize } from '../mcp/initialize.js';
import { FUZZ_RUNS, nastyJson, nastyString } from './arbitraries.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-http-fuzz-'));
let memory: SelfLearningMemory;
let http: McpHttpServer;
beforeAll(async () => {
  memory = await SelfLearningMemory.open({ db: join(dir, 'memory.db'), embeddings: { provider: 'hash' } });
  http = await startMcpHttpServer(memory, { port: 0 });
});
afterAll(async () => {
  await http.close();
  await memory.close();
  rmSync(dir, { recursive: true, force: true });
});

const rpc = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), nastyString),
    id: fc.oneof(fc.integer(), nastyString, fc.constant(null)),
    method: fc.oneof(
      fc.constantFrom('initialize', 'tools/list', 'tools/call', 'ping', 'resources/read'),
      nastyString,
    ),
    params: nastyJson,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  rpc.map((r) => JSON.stringify(r)),
  fc.array(rpc, { maxLength: 3 }).map((r) => JSON.stringify(r)),
  nastyString,
  fc.constant(''),
  fc
    .integer({ min: 1, max: 100_000 })
    .map(
      (depth) =>
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
    ),
  fc.constant('{"jsonrpc":"2.0","id":1,"method":"initialize","params":'),
);

describe('fuzzing the HTTP face', () => {
  it('any body gets a 2xx or a 4xx, never a 5xx, and the server keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'text/plain', ''), async (text, type) => {
        const response = await fetch(http.url, {
          method: 'POST',
          headers: { 'content-type': type, accept: 'application/json, text/event-stream' },
          body: text,
        });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: FUZZ_RUNS },
    );
    const health = await initialize(http.url);
    expect(health.status).toBe(200);
  }, 240_000);
});
