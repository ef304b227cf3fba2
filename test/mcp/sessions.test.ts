import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { describe, expect, it } from 'vitest';
import { type Session, SessionTable } from '../../src/mcp/sessions.js';

/** A session whose server only records that it was closed. */
function fake(closed: string[], id: string): Session {
  const server = { close: async () => void closed.push(id) } as unknown as McpServer;
  return { server, transport: {} as WebStandardStreamableHTTPServerTransport };
}

function table(max: number, idleMs: number) {
  let now = 0;
  const closed: string[] = [];
  const sessions = new SessionTable(max, idleMs, () => now);
  const add = (id: string) => sessions.add(id, fake(closed, id));
  const tick = (ms: number) => {
    now += ms;
  };
  return { sessions, closed, add, tick };
}

describe('SessionTable', () => {
  it('expires sessions idle past the timeout, not busy ones', async () => {
    const { sessions, closed, add, tick } = table(10, 1_000);
    add('a');
    add('b');
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
    add('a');
    add('b');
    sessions.begin('a', false)(); // a used again: b is now the least recently used
    expect(await sessions.makeRoom()).toBe(true);
    expect(closed).toEqual(['b']);
    add('c');
    sessions.begin('a');
    sessions.begin('c');
    expect(await sessions.makeRoom()).toBe(false);
    expect(sessions.size).toBe(2);
    await sessions.close();
  });
});
