import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';

const MAIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
afterAll(dropSchemas);

describe.each(testBackends())('slmem mcp over stdio on $name', ({ db }) => {
  it('serves a whole cycle with nothing but JSON-RPC on stdout', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN, '--db', db(), '--embeddings', 'hash', 'mcp'],
      env: { ...process.env, SLMEM_DB: '', NO_COLOR: '1' } as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '0.0.0' });
    // The client reports every stdout line that is not a JSON-RPC message here.
    const problems: Error[] = [];
    client.onerror = (error) => problems.push(error);
    await client.connect(transport);
    try {
      const call = async (name: string, args: Record<string, unknown>) => {
        const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
        expect(result.isError).toBeFalsy();
        return result.structuredContent as Record<string, unknown>;
      };
      const { episode_id } = await call('start_episode', {
        task: 'Fix the flaky checkout test',
        domain: 'web',
      });
      await call('log_step', {
        episode_id,
        tool: 'bash',
        action: 'npm test',
        error: 'timeout in checkout.spec',
      });
      await call('log_step', { episode_id, tool: 'edit', action: 'await the payment mock' });
      await call('log_step', { episode_id, tool: 'bash', action: 'npm test', output: 'all passed' });
      const done = await call('complete_episode', { episode_id, outcome: 'success', verdict: 'green' });
      expect(done.reward).toBeGreaterThan(0);
      const context = await call('retrieve_context', { task: 'checkout test is flaky', domain: 'web' });
      expect((context.episodes as Array<{ episode_id: string }>)[0]?.episode_id).toBe(episode_id);
    } finally {
      await client.close();
    }
    expect(problems).toEqual([]);
  });
});
