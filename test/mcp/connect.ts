import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../../src/mcp/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';

export interface Connected {
  client: Client;
  memory: SelfLearningMemory;
  close(): Promise<void>;
}

/**
 * A memory with hash embeddings, served to the SDK's client over linked transports: on `db` when given (see
 * test/backends.ts), else on a temp SQLite file.
 */
export async function connect(db?: string): Promise<Connected> {
  const dir = db === undefined ? mkdtempSync(join(tmpdir(), 'slmem-mcp-')) : undefined;
  const memory = await SelfLearningMemory.open({
    db: db ?? join(dir as string, 'memory.db'),
    embeddings: { provider: 'hash' },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createMcpServer(memory);
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '0.0.0' });
  await client.connect(clientSide);
  // Listing caches each tool's output schema: from then on the client checks every structured result.
  await client.listTools();
  return {
    client,
    memory,
    async close() {
      await client.close();
      await server.close();
      await memory.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls a tool that must succeed and returns its structured content. */
export async function call<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}
