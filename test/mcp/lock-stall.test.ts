import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { startMcpHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-mcp-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOLD_MS = 2_000;

/** Another process takes the write lock (BEGIN IMMEDIATE), says so, holds it HOLD_MS, then commits. */
function holdWriteLock(db: string): { child: ChildProcess; exited: Promise<unknown> } {
  const script = `
    import Database from 'libsql';
    const db = new Database(${JSON.stringify(db)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, ${HOLD_MS});
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { child, exited: once(child, 'exit') };
}

async function timed<T>(work: () => Promise<T>, from = performance.now()): Promise<{ ms: number; value: T }> {
  const value = await work();
  return { ms: Math.round(performance.now() - from), value };
}

/** The longest time the event loop went without running a 5 ms timer, until `stop` is called. */
function watchEventLoop(): () => number {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  return () => {
    clearInterval(timer);
    return Math.round(longest);
  };
}

describe("a write waiting on another process's lock", () => {
  // A measurement, not a limit: SQLite's busy_timeout waits inside the synchronous libsql call, on the event
  // loop, so every other call on the server waits with it. The figures are printed for the record.
  it('measures how long a read-only call waits behind it', { timeout: 20_000 }, async () => {
    const db = join(dir, 'memory.db');
    const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
    const http = await startMcpHttpServer(memory, { port: 0 });
    const writer = new Client({ name: 'writer', version: '0' });
    const reader = new Client({ name: 'reader', version: '0' });
    try {
      await writer.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      await reader.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      const baseline = await timed(() => reader.callTool({ name: 'list_episodes', arguments: {} }));

      const { child, exited } = holdWriteLock(db);
      const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
      expect(line.toString()).toContain('locked');

      const stopWatching = watchEventLoop();
      const write = timed(() => writer.callTool({ name: 'start_episode', arguments: { task: 'Import' } }));
      // Meant to go 50 ms after the write. The clients share the server's process and its event loop, so the
      // read's time counts from when it was meant to be sent, not from when the blocked loop let it go.
      const readDue = performance.now() + 50;
      await new Promise((done) => setTimeout(done, 50));
      const read = await timed(() => reader.callTool({ name: 'list_episodes', arguments: {} }), readDue);
      const written = await write;
      const longestStall = stopWatching();
      await exited;

      console.info(
        `lock held ${HOLD_MS} ms by another process: list_episodes took ${read.ms} ms ` +
          `(alone: ${baseline.ms} ms), the blocked start_episode ${written.ms} ms; the event loop stood still ` +
          `for ${longestStall} ms`,
      );
      expect((read.value as CallToolResult).isError).toBeFalsy();
      expect((written.value as CallToolResult).isError).toBeFalsy();
    } finally {
      await writer.close();
      await reader.close();
      await http.close();
      await memory.close();
    }
  });
});
