import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { describe, expect, it } from 'vitest';
import { type Session, SessionTable } from '../../src/mcp/sessions.js';

/** A session whose server only records that it was closed. */
function fake(closed: string[], id: string): Omit<Session, 'owner'> {
  const server = { close: async () => void closed.push(id) } as unknown as McpServer;
  return { server, transport: {} as WebStandardStreamableHTTPServerTransport };
}

function table(max: number, idleMs: number) {
  let now = 0;
  const closed: string[] = [];
  const sessions = new SessionTable(max, idleMs, () => now);
  const add = async (id: string, owner: string | null = null) => {
    const slot = await sessions.reserve(owner);
    if (!slot) throw new Error(`no room for ${id}`);
    slot.fill(id, fake(closed, id));
  };
  const tick = (ms: number) => {
    now += ms;
  };
  return { sessions, closed, add, tick };
}

describe('SessionTable', () => {
  it('expires sessions idle past the timeout, not busy ones', async () => {
    const { sessions, closed, add, tick } = table(10, 1_000);
    await add('a');
    await add('b');
    const done = sessions.begin('b');
    tick(1_500);
    await sessions.expire();
    expect(closed).toEqual(['a']);
    expect(sessions.get('b')).toBeDefined();
    done();
    tick(1_000);
    await sessions.expire();
    expect(closed).toEqual(['a', 'b']);
    await sessions.close();
  });

  it('at the cap evicts the least recently used idle session, and refuses when all are busy', async () => {
    const { sessions, closed, add } = table(2, 60_000);
    await add('a');
    await add('b');
    sessions.begin('a', false)(); // a used again: b is now the least recently used
    await add('c');
    expect(closed).toEqual(['b']);
    sessions.begin('a');
    sessions.begin('c');
    expect(await sessions.reserve(null)).toBeUndefined();
    expect(sessions.size).toBe(2);
    await sessions.close();
  });

  it("caps each owner on its own and evicts only the owner's own idle sessions", async () => {
    const { sessions, closed, add } = table(2, 60_000);
    await add('beta-1', 'beta');
    for (let i = 1; i <= 5; i++) await add(`alpha-${i}`, 'alpha');
    expect(closed).toEqual(['alpha-1', 'alpha-2', 'alpha-3']);
    expect(sessions.get('beta-1')).toBeDefined();
    expect([sessions.count('alpha'), sessions.count('beta')]).toEqual([2, 1]);
    // Beta's session is idle and the least recently used of all, yet alpha's busy sessions keep alpha out.
    sessions.begin('alpha-4');
    sessions.begin('alpha-5');
    expect(await sessions.reserve('alpha')).toBeUndefined();
    expect(sessions.get('beta-1')).toBeDefined();
    await sessions.close();
  });

  it('counts an initialize in flight against the cap until it fills or releases its place', async () => {
    const { sessions } = table(1, 60_000);
    const first = await sessions.reserve('alpha');
    expect(first).toBeDefined();
    // The first has not finished its initialize: there is no idle session to take the place of.
    expect(await sessions.reserve('alpha')).toBeUndefined();
    first?.release();
    const second = await sessions.reserve('alpha');
    second?.fill('s', fake([], 's'));
    second?.release(); // after fill: a no-op, the session keeps its place
    expect(sessions.count('alpha')).toBe(1);
    expect(sessions.get('s')?.owner).toBe('alpha');
    await sessions.close();
  });
});
