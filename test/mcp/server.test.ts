import type { CallToolResult, ReadResourceResult, TextContent } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { type Connected, call, connect } from './connect.js';

const TOOLS = [
  'add_tags',
  'checkpoint_episode',
  'complete_episode',
  'delete_episode',
  'get_episode',
  'get_handoff',
  'link_episodes',
  'list_links',
  'list_episodes',
  'list_heuristics',
  'log_step',
  'memory_stats',
  'record_feedback',
  'recommend_playbook',
  'remove_tags',
  'resume_from_handoff',
  'retrieve_context',
  'search_episodes',
  'search_patterns',
  'start_episode',
  'unlink_episodes',
];

let c: Connected;
afterAll(dropSchemas);

/** One recorded episode: three steps, the first failing, then a success. */
async function recordCycle(task = 'Fix the failing login test after the jsonwebtoken upgrade') {
  const { episode_id } = await call<{ episode_id: string }>(c.client, 'start_episode', {
    task,
    task_type: 'debugging',
    domain: 'web',
    language: 'typescript',
  });
  const seqs: number[] = [];
  for (const step of [
    { tool: 'bash', action: 'npm test', error: 'AssertionError: token expired', latency_ms: 5400 },
    { tool: 'edit', action: 'fix token expiry check', params: { file: 'src/auth.ts' } },
    { tool: 'bash', action: 'npm test', output: '42 passed' },
  ]) {
    seqs.push((await call<{ seq: number }>(c.client, 'log_step', { episode_id, ...step })).seq);
  }
  const completed = await call<{ episode_id: string; reward: number; pattern_ids: string[] }>(
    c.client,
    'complete_episode',
    { episode_id, outcome: 'success', verdict: 'tests pass' },
  );
  return { episode_id, seqs, completed };
}

describe.each(testBackends())('MCP server tools on $name', ({ db }) => {
  beforeEach(async () => {
    c = await connect(db());
  });
  afterEach(async () => {
    await c.close();
  });

  it('lists every tool with an input and an output schema and a description', async () => {
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.description?.length).toBeGreaterThan(40);
    }
  });

  it('runs a whole cycle: start, three steps, complete, then retrieval and a playbook find it', async () => {
    const { episode_id, seqs, completed } = await recordCycle();
    expect(seqs).toEqual([1, 2, 3]);
    expect(completed.episode_id).toBe(episode_id);
    expect(completed.reward).toBeGreaterThan(0);

    const context = await call<{ episodes: Array<{ episode_id: string; why: string; outcome: string }> }>(
      c.client,
      'retrieve_context',
      { task: 'login test fails after upgrading jsonwebtoken', domain: 'web' },
    );
    expect(context.episodes[0]).toMatchObject({ episode_id, outcome: 'success' });
    expect(context.episodes[0]?.why).not.toBe('');

    const playbook = await call<{ steps: Array<{ tool: string }>; supporting_episode_ids: string[] }>(
      c.client,
      'recommend_playbook',
      { task: 'login test fails after upgrading jsonwebtoken', domain: 'web' },
    );
    expect(playbook.steps.length).toBeGreaterThan(0);
    expect(playbook.supporting_episode_ids).toContain(episode_id);

    const shown = await call<{ episode: { steps: Array<{ status: string; error?: string }> } }>(
      c.client,
      'get_episode',
      { episode_id },
    );
    expect(shown.episode.steps.map((s) => s.status)).toEqual(['error', 'success', 'success']);
  });

  it('returns a readable text block beside the structured result', async () => {
    const result = (await c.client.callTool({
      name: 'start_episode',
      arguments: { task: 'Write the release notes' },
    })) as CallToolResult;
    const [block] = result.content as TextContent[];
    expect(block?.type).toBe('text');
    expect(block?.text).toContain((result.structuredContent as { episode_id: string }).episode_id);
  });

  it('answers a domain error with an isError result carrying the code', async () => {
    const result = (await c.client.callTool({
      name: 'get_episode',
      arguments: { episode_id: 'no-such-episode' },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as TextContent).text).toMatch(/^NOT_FOUND: episode no-such-episode/);

    const { episode_id } = await recordCycle();
    const again = (await c.client.callTool({
      name: 'log_step',
      arguments: { episode_id, tool: 'bash', action: 'ls' },
    })) as CallToolResult;
    expect((again.content[0] as TextContent).text).toMatch(/^EPISODE_COMPLETED: /);
  });

  it('answers malformed arguments with a tool error and an unknown tool with a protocol error', async () => {
    const { episode_id } = await call<{ episode_id: string }>(c.client, 'start_episode', { task: 'Triage' });
    const invalid = (await c.client.callTool({
      name: 'complete_episode',
      arguments: { episode_id, outcome: 'great' },
    })) as CallToolResult;
    expect(invalid.isError).toBe(true);
    expect((invalid.content[0] as TextContent).text).toMatch(
      /^INVALID_INPUT: invalid arguments for complete_episode/,
    );
    await expect(c.client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/unknown tool/);
  });

  it('caps every list at 100 and defaults to 10', async () => {
    for (const name of ['list_episodes', 'search_episodes', 'search_patterns', 'retrieve_context']) {
      const args =
        name === 'list_episodes'
          ? {}
          : name === 'search_episodes' || name === 'search_patterns'
            ? { query: 'x' }
            : { task: 'x' };
      const result = (await c.client.callTool({
        name,
        arguments: { ...args, limit: 101 },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect((result.content[0] as TextContent).text).toMatch(/limit/);
    }
    for (let i = 0; i < 12; i++) await call(c.client, 'start_episode', { task: `Task number ${i}` });
    const { episodes } = await call<{ episodes: unknown[] }>(c.client, 'list_episodes');
    expect(episodes).toHaveLength(10);
  });
});

function textOf(result: ReadResourceResult): string {
  const [content] = result.contents;
  return content && 'text' in content ? content.text : '';
}

describe.each(testBackends())('MCP server resources and prompt on $name', ({ db }) => {
  beforeEach(async () => {
    c = await connect(db());
  });
  afterEach(async () => {
    await c.close();
  });

  it('reads episode://, pattern:// and episodes://recent as JSON', async () => {
    const { episode_id, completed } = await recordCycle();
    const episode = await c.client.readResource({ uri: `episode://${episode_id}` });
    expect(episode.contents[0]?.mimeType).toBe('application/json');
    expect(JSON.parse(textOf(episode))).toMatchObject({ episode_id, outcome: 'success' });

    const patternId = completed.pattern_ids[0];
    expect(patternId).toBeDefined();
    const pattern = await c.client.readResource({ uri: `pattern://${patternId}` });
    expect(JSON.parse(textOf(pattern))).toMatchObject({ pattern_id: patternId });

    const recent = await c.client.readResource({ uri: 'episodes://recent' });
    expect(JSON.parse(textOf(recent)).episodes[0]).toMatchObject({ episode_id });

    await expect(c.client.readResource({ uri: 'episode://missing' })).rejects.toThrow(/NOT_FOUND/);
  });

  it('renders start-task with the task, the past episode and a playbook step', async () => {
    await recordCycle();
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('start-task');
    const prompt = await c.client.getPrompt({
      name: 'start-task',
      arguments: { task: 'Login test fails after upgrading jsonwebtoken', domain: 'web' },
    });
    const [message] = prompt.messages;
    const text = message?.content.type === 'text' ? message.content.text : '';
    expect(message?.role).toBe('user');
    expect(text).toContain('Task: Login test fails after upgrading jsonwebtoken');
    expect(text).toContain('Fix the failing login test');
    expect(text).toMatch(/^1\. (bash|edit): /m);
    expect(text).toContain('complete_episode');
  });
});
