import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Memory } from './workload.js';

/** An MCP memory server as the benchmark drives it: how it starts, stores one memory and searches. */
export interface McpSystem {
  name: string;
  /** What one stored memory costs in tool calls, for the table. */
  write: string;
  search: string;
  connect(dir: string): Promise<Client>;
  /** Stores one memory; returns the id searches will report it by. */
  store(client: Client, memory: Memory): Promise<string>;
  /** The ids of what a search returned, in its order. */
  find(client: Client, query: string): Promise<string[]>;
}

const require = createRequire(import.meta.url);
const SLMEM_MAIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const SLMEM_SRC = resolve(import.meta.dirname, '../../src/cli/main.ts');
const TSX = import.meta.resolve('tsx');

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent ?? {};
}

async function connect(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<Client> {
  const client = new Client({ name: `bench-peers-${name}`, version: '0.0.0' });
  await client.connect(
    new StdioClientTransport({
      command,
      args,
      env: { ...process.env, ...env } as Record<string, string>,
      stderr: 'ignore',
    }),
  );
  return client;
}

/** The official reference memory server: a knowledge graph in one JSONL file, rewritten on every change. */
export const serverMemory: McpSystem = {
  name: 'server-memory',
  write: '1 create_entities',
  search: 'search_nodes {query}',
  connect(dir) {
    // Its bin, resolved from node_modules and run with this node: no npx, no download.
    const bin = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');
    return connect('server-memory', process.execPath, [bin], { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') });
  },
  async store(client, memory) {
    await call(client, 'create_entities', {
      entities: [{ name: memory.name, entityType: memory.site, observations: [memory.text] }],
    });
    return memory.name;
  },
  async find(client, query) {
    const { entities } = (await call(client, 'search_nodes', { query })) as {
      entities?: Array<{ name: string }>;
    };
    return (entities ?? []).map((e) => e.name);
  },
};

/**
 * Our server with hash embeddings on a temp database: the built CLI (`dist`, what users run), or the source
 * through tsx (`src`, no build needed: what `npm run bench -- --peers` measures beside its growth).
 */
export function slmemSystem(entry: 'dist' | 'src'): McpSystem {
  return {
    name: 'slmem',
    write: 'start_episode + complete_episode',
    search: 'search_episodes {query, limit: 5}',
    connect(dir) {
      const args = ['--db', join(dir, 'memory.db'), '--embeddings', 'hash', 'mcp'];
      const env = { SLMEM_DB: '' };
      if (entry === 'src')
        return connect('slmem', process.execPath, ['--import', TSX, SLMEM_SRC, ...args], env);
      if (!existsSync(SLMEM_MAIN)) throw new Error(`${SLMEM_MAIN} is missing: run "npm run build" first`);
      return connect('slmem', process.execPath, [SLMEM_MAIN, ...args], env);
    },
    async store(client, memory) {
      const { episode_id } = (await call(client, 'start_episode', {
        task: memory.text,
        domain: memory.site,
      })) as {
        episode_id: string;
      };
      await call(client, 'complete_episode', { episode_id, outcome: 'success', verdict: 'done' });
      return episode_id;
    },
    async find(client, query) {
      const { episodes } = (await call(client, 'search_episodes', { query, limit: 5 })) as {
        episodes?: Array<{ episode_id: string }>;
      };
      return (episodes ?? []).map((e) => e.episode_id);
    },
  };
}

/** The built CLI (`npm run bench:peers` builds first). */
export const slmem: McpSystem = slmemSystem('dist');
