import type { CallToolResult, TextContent } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { type Connected, call, connect } from './connect.js';

let c: Connected;
afterAll(dropSchemas);

async function start(task: string): Promise<string> {
  return (await call<{ episode_id: string }>(c.client, 'start_episode', { task, domain: 'web' })).episode_id;
}

describe.each(testBackends())('MCP collaboration tools on $name', ({ db }) => {
  beforeEach(async () => {
    c = await connect(db());
  });
  afterEach(async () => {
    await c.close();
  });

  it('records feedback on the patterns an episode taught', async () => {
    const id = await start('Fix the failing login test');
    await call(c.client, 'log_step', { episode_id: id, tool: 'bash', action: 'npm test', error: 'expired' });
    await call(c.client, 'log_step', { episode_id: id, tool: 'edit', action: 'fix expiry' });
    await call(c.client, 'log_step', { episode_id: id, tool: 'bash', action: 'npm test', output: 'ok' });
    const { pattern_ids } = await call<{ pattern_ids: string[] }>(c.client, 'complete_episode', {
      episode_id: id,
      outcome: 'success',
    });
    const { patterns } = await call<{ patterns: Array<{ pattern_id: string; effectiveness: number }> }>(
      c.client,
      'record_feedback',
      { pattern_ids: pattern_ids.slice(0, 1), success: true, episode_id: id },
    );
    expect(patterns[0]?.pattern_id).toBe(pattern_ids[0]);
    expect(patterns[0]?.effectiveness).toBeGreaterThan(0.5);
    const empty = (await c.client.callTool({
      name: 'record_feedback',
      arguments: { pattern_ids: [], success: true },
    })) as CallToolResult;
    expect((empty.content[0] as TextContent).text).toMatch(/^INVALID_INPUT: .*pattern_ids/);
  });

  it('checkpoints, hands off and resumes an episode in progress', async () => {
    const id = await start('Migrate the auth service to OAuth');
    await call(c.client, 'log_step', {
      episode_id: id,
      tool: 'bash',
      action: 'npm test',
      error: 'missing client id',
    });
    await call(c.client, 'checkpoint_episode', { episode_id: id, note: 'config half done', progress: 0.5 });
    const handoff = await call<{ status: string; notes: string[]; what_failed: string[] }>(
      c.client,
      'get_handoff',
      {
        episode_id: id,
      },
    );
    expect(handoff.status).toBe('in_progress');
    expect(handoff.notes).toContain('config half done');
    expect(handoff.what_failed[0]).toContain('missing client id');
    const resumed = await call<{ episode_id: string; resumed: string }>(c.client, 'resume_from_handoff', {
      episode_id: id,
      agent: 'reviewer',
    });
    expect(resumed).toMatchObject({ episode_id: id, resumed: 'same' });
  });

  it('adds and removes tags, links and unlinks episodes', async () => {
    const a = await start('Find the bug');
    const b = await start('Fix the bug');
    expect(
      (await call<{ tags: string[] }>(c.client, 'add_tags', { episode_id: a, tags: ['auth', 'urgent'] }))
        .tags,
    ).toEqual(expect.arrayContaining(['auth', 'urgent']));
    expect(
      (await call<{ tags: string[] }>(c.client, 'remove_tags', { episode_id: a, tags: ['urgent'] })).tags,
    ).toEqual(['auth']);

    const link = { from_episode_id: b, to_episode_id: a, type: 'follows' };
    expect(await call(c.client, 'link_episodes', { ...link, note: 'same root cause' })).toMatchObject(link);
    expect((await call<{ links: unknown[] }>(c.client, 'list_links', { episode_id: a })).links).toHaveLength(
      1,
    );
    // The reverse link would close a cycle of an ordered type.
    const cycle = (await c.client.callTool({
      name: 'link_episodes',
      arguments: { from_episode_id: a, to_episode_id: b, type: 'follows' },
    })) as CallToolResult;
    expect((cycle.content[0] as TextContent).text).toMatch(/^CONFLICT: /);
    await call(c.client, 'unlink_episodes', link);
    const missing = (await c.client.callTool({ name: 'unlink_episodes', arguments: link })) as CallToolResult;
    expect((missing.content[0] as TextContent).text).toMatch(/^NOT_FOUND: /);
    const badType = (await c.client.callTool({
      name: 'link_episodes',
      arguments: { ...link, type: 'causes' },
    })) as CallToolResult;
    expect((badType.content[0] as TextContent).text).toMatch(/^INVALID_INPUT: .*type/);
  });
});
