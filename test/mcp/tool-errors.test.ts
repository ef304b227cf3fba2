import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, TextContent } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, registerTools } from '../../src/mcp/tool.js';
import { dropSchemas, testBackends } from '../backends.js';
import { type Connected, call, connect } from './connect.js';

let c: Connected;
afterAll(dropSchemas);

function textOf(result: CallToolResult): string {
  return (result.content[0] as TextContent).text;
}

/** A raw JSON-RPC request, past the client's own typing, as a misbehaving client would send it. */
async function rawCall(params: unknown): Promise<unknown> {
  return c.client.request({ method: 'tools/call', params: params as { name: string } }, z.object({}).loose());
}

describe.each(testBackends())('MCP tool errors (SEP-1303) on $name', ({ db }) => {
  beforeEach(async () => {
    c = await connect(db());
  });
  afterEach(async () => {
    await c.close();
  });

  it('answers invalid arguments with an isError result naming the field', async () => {
    const { episode_id } = await call<{ episode_id: string }>(c.client, 'start_episode', { task: 'Triage' });
    const wrongEnum = (await c.client.callTool({
      name: 'complete_episode',
      arguments: { episode_id, outcome: 'great' },
    })) as CallToolResult;
    expect(wrongEnum.isError).toBe(true);
    expect(wrongEnum.structuredContent).toBeUndefined();
    expect(textOf(wrongEnum)).toMatch(/^INVALID_INPUT: invalid arguments for complete_episode: .*outcome/);

    // A misspelt optional argument is reported, not dropped.
    const misspelt = (await c.client.callTool({
      name: 'log_step',
      arguments: { episode_id, tool: 'bash', action: 'ls', latencyMs: 3 },
    })) as CallToolResult;
    expect(misspelt.isError).toBe(true);
    expect(textOf(misspelt)).toMatch(/^INVALID_INPUT: .*latencyMs/);
    expect(textOf(misspelt)).not.toMatch(/MCP error/);

    const tooMany = (await c.client.callTool({
      name: 'list_episodes',
      arguments: { limit: 101 },
    })) as CallToolResult;
    expect(textOf(tooMany)).toMatch(/^INVALID_INPUT: .*limit/);
  });

  it('keeps an unknown tool a protocol error, prefixed once', async () => {
    const error = await c.client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: -32602 });
    expect((error as Error).message).toBe('MCP error -32602: unknown tool "no_such_tool" (see tools/list)');
  });

  it('answers arguments that are not an object with -32602 and a clear message, never -32603', {
    timeout: 5000,
  }, async () => {
    for (const [args, shown] of [
      ['a string', 'a string'],
      [['an', 'array'], 'an array'],
      [null, 'null'],
      [7, 'a number'],
    ] as const) {
      const error = await rawCall({ name: 'list_episodes', arguments: args }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: -32602 });
      expect((error as Error).message).toBe(
        `MCP error -32602: the arguments of list_episodes must be an object of named arguments, not ${shown}`,
      );
    }
    const noName = await rawCall({ arguments: {} }).catch((e: unknown) => e);
    expect(noName).toMatchObject({ code: -32602 });
    const badTask = await rawCall({ name: 'list_episodes', arguments: {}, task: 5 }).catch((e: unknown) => e);
    expect(badTask).toMatchObject({ code: -32602 });
    expect((badTask as Error).message).toMatch(/^MCP error -32602: invalid tools\/call request: .*task/);
  });

  it('prefixes a resource error once', async () => {
    const error = await c.client.readResource({ uri: 'episode://missing' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^MCP error -32002: NOT_FOUND: /);
  });

  it('checks results against the output schema', async () => {
    const server = new McpServer({ name: 'bad', version: '0' });
    registerTools(server, [
      defineTool({
        name: 'broken',
        title: 'Broken',
        description: 'returns a count that is not a number',
        input: {},
        output: { count: z.number() },
        async run() {
          return { result: { count: 'many' as unknown as number }, text: 'many' };
        },
      }),
    ]);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(clientSide);
    try {
      const result = (await client.callTool({ name: 'broken', arguments: {} })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^INTERNAL: Output validation error: .*broken.*count/);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
