import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connected, connect } from '../mcp/connect.js';
import { FUZZ_RUNS, nastyJson, nastyNumber, nastyString } from './arbitraries.js';

let mcp: Connected;
beforeAll(async () => {
  mcp = await connect();
});
afterAll(async () => {
  await mcp.close();
});

const TOOLS = [
  'start_episode',
  'log_step',
  'complete_episode',
  'get_episode',
  'list_episodes',
  'delete_episode',
  'retrieve_context',
  'search_episodes',
  'search_patterns',
  'recommend_playbook',
  'memory_stats',
  'record_feedback',
  'checkpoint_episode',
  'get_handoff',
  'resume_from_handoff',
  'add_tags',
  'remove_tags',
  'link_episodes',
  'unlink_episodes',
  'list_links',
] as const;

const field = fc.oneof(nastyString, nastyNumber, nastyJson, fc.boolean(), fc.constant(null));
const args = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(
      fc.constantFrom(
        'episode_id',
        'task',
        'tool',
        'action',
        'domain',
        'outcome',
        'reason',
        'params',
        'latency_ms',
        'tags',
        'limit',
        'pattern_ids',
        'success',
        'note',
        'from_episode_id',
        'to_episode_id',
        'type',
        'status',
      ),
      field,
      { maxKeys: 5 },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(nastyString, fc.array(field, { maxLength: 2 }), fc.constant(null)) },
);

describe('fuzzing the MCP face', () => {
  it('any arguments to any tool give a result or a tool error the model can read, never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TOOLS), args, async (name, input) => {
        let result: Awaited<ReturnType<typeof mcp.client.callTool>> | undefined;
        try {
          result = await mcp.client.callTool({ name, arguments: input as Record<string, unknown> });
        } catch (error) {
          // A protocol error is acceptable only as invalid params, never as an internal error.
          expect(String(error)).not.toMatch(/-32603|Internal error/);
          expect(String(error)).toMatch(/-32602/);
          return;
        }
        if (result.isError) {
          const text = (result.content as Array<{ type: string; text?: string }>)[0]?.text ?? '';
          expect(text).not.toMatch(/^INTERNAL/);
          expect(text.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: FUZZ_RUNS * 2 },
    );
    const started = await mcp.client.callTool({
      name: 'start_episode',
      arguments: { task: 'after fuzzing' },
    });
    expect(started.isError).toBeFalsy();
  }, 240_000);
});
