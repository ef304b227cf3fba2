import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, TextContent } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMemoryError } from '../../src/core/index.js';
import { startMcpHttpServer } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, testBackends } from '../backends.js';
import { listeningUrl, slmem, slmemJson } from '../cli/run-cli.js';

/**
 * Namespace isolation at every face (library, CLI, MCP over stdio and HTTP), on every backend: two teams share
 * one database, record the same task, and never see each other's episodes, patterns, heuristics, stats or
 * feedback.
 */
const MAIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const TASK = 'Fix the failing login test after the token upgrade';
const SHARED_KEY = 'tool_sequence|web|edit>bash';

afterAll(dropSchemas);

/** Expects `promise` to reject with a MemoryError of `code`. */
async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isMemoryError(error) ? error.code : error).toBe(code);
}

/** The same fix, recorded `times` times: a failing test, an edit, a passing test. */
async function recordFixes(memory: SelfLearningMemory, times: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < times; i++) {
    const episode = await memory.startEpisode({
      task: TASK,
      taskType: 'debugging',
      context: { domain: 'web' },
    });
    await memory.logStep(episode.id, {
      tool: 'bash',
      action: 'npm test',
      result: { status: 'error', message: 'AssertionError: token expired' },
    });
    await memory.logStep(episode.id, { tool: 'edit', action: 'fix token expiry' });
    await memory.logStep(episode.id, { tool: 'bash', action: 'npm test', result: { status: 'success' } });
    await memory.completeEpisode(episode.id, { status: 'success', verdict: 'tests pass' });
    ids.push(episode.id);
  }
  return ids;
}

async function exportedIds(memory: SelfLearningMemory): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of memory.exportEpisodes()) ids.push(record.id ?? '(no id)');
  return ids.sort();
}

describe.each(testBackends())('namespace isolation in the library on $name', ({ db: freshDb }) => {
  const db = freshDb();
  let a: SelfLearningMemory;
  let b: SelfLearningMemory;
  let aIds: string[];
  let bIds: string[];
  let aOnlyPattern: string;

  beforeAll(async () => {
    a = await SelfLearningMemory.open({ db, namespace: 'team-a', embeddings: { provider: 'hash' } });
    b = await SelfLearningMemory.open({ db, namespace: 'team-b', embeddings: { provider: 'hash' } });
    aIds = await recordFixes(a, 3);
    bIds = await recordFixes(b, 2);
    // A sequence only team-a ever ran.
    const only = await a.startEpisode({ task: 'Rename the config keys', context: { domain: 'ops' } });
    await a.logStep(only.id, { tool: 'grep', action: 'find keys' });
    await a.logStep(only.id, { tool: 'sed', action: 'rename keys' });
    await a.completeEpisode(only.id, { status: 'success' });
    aIds.push(only.id);
    const found = (await a.listPatterns({ type: 'tool_sequence', domain: 'ops' }))[0];
    if (!found) throw new Error('team-a learned no ops pattern');
    aOnlyPattern = found.id;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('retrieves, lists, exports and plays back only its own episodes', async () => {
    for (const [memory, own, other] of [
      [a, aIds, bIds],
      [b, bIds, aIds],
    ] as const) {
      const retrieved = await memory.retrieve({ task: TASK, context: { domain: 'web' }, limit: 10 });
      expect(retrieved.episodes.length).toBeGreaterThan(0);
      for (const hit of retrieved.episodes) expect(own).toContain(hit.episode.id);
      const listed = (await memory.listEpisodes({ limit: 100 })).map((e) => e.id).sort();
      expect(listed).toEqual([...own].sort());
      expect(await exportedIds(memory)).toEqual([...own].sort());
      const playbook = await memory.playbook({ task: TASK, context: { domain: 'web' } });
      expect(playbook.supportingEpisodeIds.length).toBeGreaterThan(0);
      for (const id of playbook.supportingEpisodeIds) {
        expect(own).toContain(id);
        expect(other).not.toContain(id);
      }
    }
  });

  it('keeps the same pattern key as two patterns with their own counts', async () => {
    const [inA] = (await a.listPatterns({ type: 'tool_sequence', limit: 100 })).filter(
      (p) => p.key === SHARED_KEY,
    );
    const [inB] = (await b.listPatterns({ type: 'tool_sequence', limit: 100 })).filter(
      (p) => p.key === SHARED_KEY,
    );
    expect(inA).toMatchObject({ occurrences: 3, successCount: 3 });
    expect(inB).toMatchObject({ occurrences: 2, successCount: 2 });
    expect(new Set(inA?.evidence)).toEqual(new Set(aIds.slice(0, 3)));
    expect(new Set(inB?.evidence)).toEqual(new Set(bIds));
    // team-b never ran grep > sed.
    expect((await b.listPatterns({ domain: 'ops', limit: 100 })).map((p) => p.key)).toEqual([]);
  });

  it('keeps heuristics and stats apart', async () => {
    const heuristicsA = await a.listHeuristics({ limit: 100 });
    const heuristicsB = await b.listHeuristics({ limit: 100 });
    expect(heuristicsA.length).toBeGreaterThan(0);
    expect(heuristicsB.length).toBeGreaterThan(0);
    for (const h of heuristicsA) for (const id of h.evidence) expect(aIds).toContain(id);
    for (const h of heuristicsB) for (const id of h.evidence) expect(bIds).toContain(id);
    const statsA = await a.stats();
    const statsB = await b.stats();
    expect(statsA).toMatchObject({
      episodes: 4,
      completedEpisodes: 4,
      steps: 11,
      byDomain: { web: 3, ops: 1 },
    });
    expect(statsB).toMatchObject({ episodes: 2, completedEpisodes: 2, steps: 6, byDomain: { web: 2 } });
    expect(statsA.heuristics).toBe(heuristicsA.length);
    expect(statsB.heuristics).toBe(heuristicsB.length);
  });

  it("answers NOT_FOUND for the other namespace's episodes and patterns", async () => {
    const theirs = aIds[0] as string;
    await expectCode(b.getEpisode(theirs), 'NOT_FOUND');
    await expectCode(b.logStep(theirs, { tool: 'bash', action: 'ls' }), 'NOT_FOUND');
    await expectCode(b.completeEpisode(theirs, { status: 'success' }), 'NOT_FOUND');
    await expectCode(b.addTags(theirs, ['x']), 'NOT_FOUND');
    await expectCode(b.deleteEpisode(theirs), 'NOT_FOUND');
    await expectCode(
      b.linkEpisodes({ from: bIds[0] as string, to: theirs, type: 'related_to' }),
      'NOT_FOUND',
    );
    await expectCode(b.getPattern(aOnlyPattern), 'NOT_FOUND');
    await expectCode(b.recordFeedback({ patternIds: [aOnlyPattern], success: true }), 'NOT_FOUND');
    // Still there, untouched, for its owner.
    expect((await a.getEpisode(theirs)).steps).toHaveLength(3);
    expect((await a.getPattern(aOnlyPattern)).feedbackApplied).toBe(0);
  });

  it('moves only its own pattern on feedback, even when the other namespace has the same key', async () => {
    const [inA] = (await a.listPatterns({ type: 'tool_sequence', limit: 100 })).filter(
      (p) => p.key === SHARED_KEY,
    );
    if (!inA) throw new Error('no shared pattern in team-a');
    await a.recordFeedback({ patternIds: [inA.id], success: true });
    const [afterA] = (await a.listPatterns({ type: 'tool_sequence', limit: 100 })).filter(
      (p) => p.key === SHARED_KEY,
    );
    const [afterB] = (await b.listPatterns({ type: 'tool_sequence', limit: 100 })).filter(
      (p) => p.key === SHARED_KEY,
    );
    expect(afterA).toMatchObject({ feedbackApplied: 1, feedbackHelped: 1 });
    expect(afterB).toMatchObject({ feedbackApplied: 0, feedbackHelped: 0, occurrences: 2 });
  });
});

describe.each(testBackends())('namespace isolation at the CLI on $name', ({ db: freshDb }) => {
  const db = freshDb();

  it('refuses a bad namespace from --namespace or SLMEM_NAMESPACE with INVALID_INPUT', async () => {
    const flag = await slmem(['--db', db, '--namespace', 'a b', 'stats']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/INVALID_INPUT: .*namespace/);
    expect(flag.stderr).toContain('a namespace is 1–64 letters');
    const env = await slmem(['--db', db, 'stats'], { env: { SLMEM_NAMESPACE: 'a b' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/INVALID_INPUT: .*namespace/);
    const json = await slmem(['--db', db, '--json', '--namespace', '-dash', 'stats']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  it('keeps episodes and stats per namespace, from the flag and from the environment', async () => {
    const start = (task: string, ns: string[], env?: NodeJS.ProcessEnv) =>
      slmemJson<{ id: string }>(['--db', db, ...ns, 'episode', 'start', '--task', task, '--domain', 'web'], {
        ...(env ? { env } : {}),
      });
    const a = await start(TASK, ['--namespace', 'team-a']);
    const b1 = await start(TASK, [], { SLMEM_NAMESPACE: 'team-b' });
    const b2 = await start(TASK, [], { SLMEM_NAMESPACE: 'team-b' });
    const stats = (ns: string) =>
      slmemJson<{ episodes: number }>(['--db', db, '--namespace', ns, 'stats']).then((s) => s.episodes);
    expect(await stats('team-a')).toBe(1);
    expect(await stats('team-b')).toBe(2);
    expect(await stats('default')).toBe(0);
    // The flag wins over the environment.
    expect(
      (
        await slmemJson<{ episodes: number }>(['--db', db, '--namespace', 'team-a', 'stats'], {
          env: { SLMEM_NAMESPACE: 'team-b' },
        })
      ).episodes,
    ).toBe(1);
    const listB = await slmemJson<Array<{ id: string }>>(['--db', db, 'episode', 'list'], {
      env: { SLMEM_NAMESPACE: 'team-b' },
    });
    expect(listB.map((e) => e.id).sort()).toEqual([b1.id, b2.id].sort());
    const cross = await slmem(['--db', db, '--namespace', 'team-b', 'episode', 'show', a.id]);
    expect(cross.code).toBe(4);
    expect(cross.stderr).toContain('NOT_FOUND');
  });
});

describe.each(testBackends())('namespace isolation over MCP on $name', ({ db: freshDb }) => {
  const db = freshDb();
  let aIds: string[];
  let bIds: string[];

  beforeAll(async () => {
    const a = await SelfLearningMemory.open({ db, namespace: 'team-a', embeddings: { provider: 'hash' } });
    const b = await SelfLearningMemory.open({ db, namespace: 'team-b', embeddings: { provider: 'hash' } });
    try {
      aIds = await recordFixes(a, 2);
      bIds = await recordFixes(b, 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  async function callTool(client: Client, name: string, args: Record<string, unknown> = {}) {
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  }
  async function listedIds(client: Client): Promise<string[]> {
    const result = await callTool(client, 'list_episodes', { limit: 50 });
    expect(result.isError).toBeFalsy();
    const { episodes } = result.structuredContent as { episodes: Array<{ episode_id: string }> };
    return episodes.map((e) => e.episode_id).sort();
  }

  it('a stdio server started with SLMEM_NAMESPACE sees only that namespace', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN, '--db', db, '--embeddings', 'hash', 'mcp'],
      env: { ...process.env, SLMEM_DB: '', SLMEM_NAMESPACE: 'team-b', NO_COLOR: '1' } as Record<
        string,
        string
      >,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'ns-stdio', version: '0.0.0' });
    await client.connect(transport);
    try {
      expect(await listedIds(client)).toEqual([...bIds].sort());
      const stats = await callTool(client, 'memory_stats');
      expect(stats.structuredContent).toMatchObject({ episodes: 1, steps: 3 });
      const context = await callTool(client, 'retrieve_context', { task: TASK, domain: 'web' });
      for (const hit of (context.structuredContent as { episodes: Array<{ episode_id: string }> }).episodes)
        expect(bIds).toContain(hit.episode_id);
      const foreign = await callTool(client, 'get_episode', { episode_id: aIds[0] });
      expect(foreign.isError).toBe(true);
      expect((foreign.content[0] as TextContent).text).toMatch(/^NOT_FOUND/);
    } finally {
      await client.close();
    }
  });

  it('slmem mcp --http --tokens-file binds each token to its namespace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slmem-ns-tokens-'));
    const tokens = join(dir, 'tokens');
    writeFileSync(
      tokens,
      '# namespace token\nteam-a cli-token-a-0123456789abcdef\nteam-b cli-token-b-0123456789abcdef\n',
    );
    const child = spawn(
      process.execPath,
      [MAIN, '--db', db, '--embeddings', 'hash', 'mcp', '--http', '--port', '0', '--tokens-file', tokens],
      {
        env: { ...process.env, SLMEM_DB: '', SLMEM_NAMESPACE: undefined, NO_COLOR: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((done) => child.on('close', done));
    try {
      const url = await listeningUrl(child);
      const ids = async (token: string) => {
        const client = new Client({ name: 'ns-cli-http', version: '0.0.0' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(url), {
            requestInit: { headers: { authorization: `Bearer ${token}` } },
          }),
        );
        try {
          return await listedIds(client);
        } finally {
          await client.close();
        }
      };
      expect(await ids('cli-token-a-0123456789abcdef')).toEqual([...aIds].sort());
      expect(await ids('cli-token-b-0123456789abcdef')).toEqual([...bIds].sort());
      await expect(ids('not-a-token-0123456789abcdef')).rejects.toThrow();
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an HTTP server with two namespace tokens serves each client its own namespace only', async () => {
    const tokenA = 'team-a-token-0123456789abcdef';
    const tokenB = 'team-b-token-0123456789abcdef';
    const fallback = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
    const http = await startMcpHttpServer(fallback, {
      port: 0,
      namespaceTokens: [
        { namespace: 'team-a', token: tokenA },
        { namespace: 'team-b', token: tokenB },
      ],
      memoryFor: (namespace) => SelfLearningMemory.open({ db, namespace, embeddings: { provider: 'hash' } }),
    });
    const connectWith = async (token: string) => {
      const transport = new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      });
      const client = new Client({ name: 'ns-http', version: '0.0.0' });
      await client.connect(transport);
      return { client, transport };
    };
    const a = await connectWith(tokenA);
    const b = await connectWith(tokenB);
    try {
      expect(await listedIds(a.client)).toEqual([...aIds].sort());
      expect(await listedIds(b.client)).toEqual([...bIds].sort());
      // A new episode over one token stays in its namespace.
      const started = await callTool(b.client, 'start_episode', { task: 'Rotate the keys', domain: 'ops' });
      const newId = (started.structuredContent as { episode_id: string }).episode_id;
      expect(await listedIds(b.client)).toContain(newId);
      expect(await listedIds(a.client)).not.toContain(newId);
      expect((await callTool(a.client, 'get_episode', { episode_id: newId })).isError).toBe(true);
      expect((await callTool(a.client, 'memory_stats')).structuredContent).toMatchObject({ episodes: 2 });
      expect((await callTool(b.client, 'memory_stats')).structuredContent).toMatchObject({ episodes: 2 });
      // The server's own memory (default namespace) got nothing.
      expect((await fallback.stats()).episodes).toBe(0);

      // A's session used with B's token: refused. No token at all: 401.
      const rpc = { jsonrpc: '2.0', id: 99, method: 'tools/list' };
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': a.transport.sessionId ?? '',
        'mcp-protocol-version': a.transport.protocolVersion ?? '2025-06-18',
      };
      const hijack = await fetch(http.url, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${tokenB}` },
        body: JSON.stringify(rpc),
      });
      expect(hijack.status).toBe(403);
      expect(await hijack.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      const anonymous = await fetch(http.url, { method: 'POST', headers, body: JSON.stringify(rpc) });
      expect(anonymous.status).toBe(401);
      // A's own client still works after the refused attempts.
      expect(await listedIds(a.client)).toEqual([...aIds].sort());
    } finally {
      await a.client.close();
      await b.client.close();
      await http.close();
      await fallback.close();
    }
  });
});
