import type { CallToolResult, TextContent } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { type Connected, call, connect } from './connect.js';

let c: Connected;
afterAll(dropSchemas);

/** A failing step, its fix and a passing run: the memory learns a rule for the error. */
async function recordFix(task: string, domain: string): Promise<string[]> {
  const { episode_id } = await call<{ episode_id: string }>(c.client, 'start_episode', {
    task,
    task_type: 'debugging',
    domain,
  });
  for (const step of [
    { tool: 'bash', action: 'npm test', error: 'AssertionError: token expired' },
    { tool: 'edit', action: 'fix token expiry check' },
    { tool: 'bash', action: 'npm test', output: '42 passed' },
  ])
    await call(c.client, 'log_step', { episode_id, ...step });
  const done = await call<{ heuristic_ids: string[] }>(c.client, 'complete_episode', {
    episode_id,
    outcome: 'success',
    verdict: 'tests pass',
  });
  return done.heuristic_ids;
}

describe.each(testBackends())('log_step and list_heuristics on $name', ({ db }) => {
  beforeEach(async () => {
    c = await connect(db());
  });
  afterEach(async () => {
    await c.close();
  });

  it('records a step that timed out', async () => {
    const { episode_id } = await call<{ episode_id: string }>(c.client, 'start_episode', { task: 'Run e2e' });
    const { seq } = await call<{ seq: number }>(c.client, 'log_step', {
      episode_id,
      tool: 'bash',
      action: 'npm run e2e',
      timeout: true,
      latency_ms: 120_000,
    });
    const { episode } = await call<{ episode: { steps: Array<{ seq: number; status: string }> } }>(
      c.client,
      'get_episode',
      { episode_id },
    );
    expect(episode.steps).toEqual([expect.objectContaining({ seq, status: 'timeout' })]);

    const both = (await c.client.callTool({
      name: 'log_step',
      arguments: { episode_id, tool: 'bash', action: 'x', timeout: true, error: 'killed' },
    })) as CallToolResult;
    expect(both.isError).toBe(true);
    expect((both.content[0] as TextContent).text).toMatch(/^INVALID_INPUT: .*only one/);
  });

  it('lists heuristics with a domain, a minimum confidence and a limit', async () => {
    const learned = [
      ...(await recordFix('Fix the login test after the jwt upgrade', 'web')),
      ...(await recordFix('Fix the signup test after the jwt upgrade', 'web')),
      ...(await recordFix('Fix the admin test after the jwt upgrade', 'web')),
    ];
    expect(learned.length).toBeGreaterThan(0);

    const all = await call<{
      heuristics: Array<{ heuristic_id: string; domain: string; confidence: number }>;
    }>(c.client, 'list_heuristics', { limit: 100 });
    expect(all.heuristics.length).toBeGreaterThan(0);
    for (const id of new Set(learned)) expect(all.heuristics.map((h) => h.heuristic_id)).toContain(id);

    const web = await call<{ heuristics: Array<{ domain: string }> }>(c.client, 'list_heuristics', {
      domain: 'web',
    });
    expect(web.heuristics.length).toBeGreaterThan(0);
    expect(web.heuristics.every((h) => h.domain === 'web')).toBe(true);

    const one = await call<{ heuristics: unknown[] }>(c.client, 'list_heuristics', { limit: 1 });
    expect(one.heuristics).toHaveLength(1);
    const billing = await call<{ heuristics: unknown[] }>(c.client, 'list_heuristics', { domain: 'billing' });
    expect(billing.heuristics).toEqual([]);
    for (const h of (await call<typeof all>(c.client, 'list_heuristics', { min_confidence: 0.5 })).heuristics)
      expect(h.confidence).toBeGreaterThanOrEqual(0.5);

    const bad = (await c.client.callTool({
      name: 'list_heuristics',
      arguments: { min_confidence: 2 },
    })) as CallToolResult;
    expect((bad.content[0] as TextContent).text).toMatch(/^INVALID_INPUT: .*min_confidence/);
  });
});
