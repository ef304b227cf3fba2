import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock, MemoryError, SelfLearningMemory, seededRandom } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-poison-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function open(db = join(dir, `poison-${n++}.db`)): Promise<SelfLearningMemory> {
  return SelfLearningMemory.open({
    db,
    clock: fixedClock(Date.parse('2026-11-01T09:00:00.000Z'), 1_000),
    random: seededRandom(7),
    embeddings: false,
  });
}

/** Runs one ordinary web episode: a failing test, an edit, a passing test. */
async function runEpisode(memory: SelfLearningMemory, i: number, latencyMs = 100): Promise<string> {
  const e = await memory.startEpisode({
    task: `Fix the failing login test ${i}`,
    context: { domain: 'web' },
  });
  await memory.logStep(e.id, {
    tool: 'bash',
    action: 'npm test',
    result: { status: 'error', message: 'E1' },
  });
  await memory.logStep(e.id, { tool: 'edit', action: 'fix login.ts', latencyMs });
  await memory.logStep(e.id, { tool: 'bash', action: 'npm test', latencyMs });
  await memory.completeEpisode(e.id, { status: 'success', verdict: 'tests pass' });
  return e.id;
}

async function rejection(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

/** Params nested `depth` objects deep: { a: { a: ... } }. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe('numbers are bounded at the edge', () => {
  it('refuses latencyMs 1e308 and the store keeps serving retrieve and playbook', async () => {
    const memory = await open();
    try {
      for (let i = 0; i < 3; i++) await runEpisode(memory, i);
      const e = await memory.startEpisode({
        task: 'Fix the failing login test again',
        context: { domain: 'web' },
      });
      const error = await rejection(memory.logStep(e.id, { tool: 'edit', latencyMs: 1e308 }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('latencyMs must be at most 604800000');
      await runEpisode(memory, 9);
      const found = await memory.retrieve({ task: 'failing login test', context: { domain: 'web' } });
      expect(found.episodes.length).toBeGreaterThan(0);
      const plan = await memory.playbook({ task: 'failing login test', context: { domain: 'web' } });
      expect(plan.steps.length).toBeGreaterThan(0);
      for (const p of await memory.listPatterns({ limit: 100 }))
        expect(Number.isFinite(p.totalLatencyMs)).toBe(true);
    } finally {
      await memory.close();
    }
  });

  it('refuses huge numbers in an import record and in tokens', async () => {
    const memory = await open();
    try {
      const report = await memory.importEpisodes([
        { task: 'imported', steps: [{ tool: 'edit', latencyMs: 1e308 }], outcome: { status: 'success' } },
        { task: 'imported', steps: [{ tool: 'edit', tokens: 1e12 }], outcome: { status: 'success' } },
      ]);
      expect(report.imported).toBe(0);
      expect(report.failed.map((f) => f.error.code)).toEqual(['INVALID_INPUT', 'INVALID_INPUT']);
      expect(report.failed[0]?.error.message).toContain('latencyMs');
      expect(report.failed[1]?.error.message).toContain('tokens');
    } finally {
      await memory.close();
    }
  });
});

describe('a corrupt row degrades one result', () => {
  it('skips a pattern whose body no longer parses, and the next completion overwrites it', async () => {
    const db = join(dir, 'corrupt.db');
    let memory = await open(db);
    for (let i = 0; i < 3; i++) await runEpisode(memory, i);
    const before = await memory.listPatterns({ limit: 100 });
    expect(before.length).toBeGreaterThan(1);
    await memory.close();

    // What an aggregate that reached Infinity looked like: JSON.stringify writes it as null.
    const raw = new Database(db);
    const victim = before[0]!;
    const body = JSON.parse(
      (raw.prepare('SELECT body FROM patterns WHERE id = ?').get(victim.id) as { body: string }).body,
    ) as Record<string, unknown>;
    raw
      .prepare('UPDATE patterns SET body = ? WHERE id = ?')
      .run(JSON.stringify({ ...body, totalLatencyMs: null }), victim.id);
    raw.close();

    memory = await open(db);
    try {
      const after = await memory.listPatterns({ limit: 100 });
      expect(after.map((p) => p.id)).toEqual(before.slice(1).map((p) => p.id));
      const found = await memory.retrieve({ task: 'failing login test', context: { domain: 'web' } });
      expect(found.episodes.length).toBeGreaterThan(0);
      await memory.playbook({ task: 'failing login test', context: { domain: 'web' } });
      // Completion treats the corrupt row as absent and writes a fresh pattern over it.
      await runEpisode(memory, 3);
      const healed = await memory.listPatterns({ limit: 100 });
      expect(healed.some((p) => p.key === victim.key)).toBe(true);
      expect(healed.every((p) => Number.isFinite(p.totalLatencyMs))).toBe(true);
    } finally {
      await memory.close();
    }
  });
});

describe('nesting is bounded at the edge', () => {
  it('accepts params 32 levels deep and refuses 33 and 5,000 with LIMIT_EXCEEDED naming params', async () => {
    const memory = await open();
    try {
      const e = await memory.startEpisode({ task: 'deep params' });
      await memory.logStep(e.id, { tool: 'edit', params: nested(32) });
      for (const depth of [33, 5_000]) {
        const error = await rejection(memory.logStep(e.id, { tool: 'edit', params: nested(depth) }));
        expect(error.code).toBe('LIMIT_EXCEEDED');
        expect(error.message).toContain('params');
        expect(error.message).toContain('nested deeper than 32 levels');
      }
      const { episode } = await memory.completeEpisode(e.id, { status: 'success' });
      expect(episode.steps).toHaveLength(1);
      const report = await memory.importEpisodes([
        {
          task: 'deep import',
          steps: [{ tool: 'edit', params: nested(5_000) }],
          outcome: { status: 'success' },
        },
      ]);
      expect(report.failed[0]?.error.code).toBe('LIMIT_EXCEEDED');
    } finally {
      await memory.close();
    }
  });
});

describe('text is stored whole or refused', () => {
  it('refuses a NUL in the task, the action, metadata, params and an import record, naming the field', async () => {
    const memory = await open();
    try {
      const start = await rejection(memory.startEpisode({ task: 'before\0after' }));
      expect(start.code).toBe('INVALID_INPUT');
      expect(start.message).toBe('start episode: task contains a NUL character (\\u0000); remove it');
      const e = await memory.startEpisode({ task: 'clean task' });
      const cases: Array<[Parameters<SelfLearningMemory['logStep']>[1], string]> = [
        [{ tool: 'edit', action: 'a\0b' }, 'action contains a NUL'],
        [{ tool: 'edit', metadata: { k: 'v\0' } }, 'metadata.k contains a NUL'],
        [{ tool: 'edit', metadata: { 'k\0': 'v' } }, 'a key of metadata contains a NUL'],
        [{ tool: 'edit', params: { deep: [{ s: 'x\0' }] } }, 'params.deep.0.s contains a NUL'],
        [{ tool: 'edit', result: { status: 'error', message: 'boom\0' } }, 'result.message contains a NUL'],
      ];
      for (const [step, message] of cases) {
        const error = await rejection(memory.logStep(e.id, step));
        expect(error.code).toBe('INVALID_INPUT');
        expect(error.message).toContain(message);
      }
      const done = await rejection(memory.completeEpisode(e.id, { status: 'success', verdict: 'ok\0' }));
      expect(done.message).toContain('verdict contains a NUL');
      const report = await memory.importEpisodes([{ task: 'imported\0', outcome: { status: 'success' } }]);
      expect(report.failed[0]?.error.message).toContain('task contains a NUL');
      expect((await memory.getEpisode(e.id)).steps).toHaveLength(0);
    } finally {
      await memory.close();
    }
  });

  it('refuses __proto__ keys and lone surrogates instead of changing them', async () => {
    const memory = await open();
    try {
      const e = await memory.startEpisode({ task: 'keys' });
      // JSON.parse makes __proto__ an own key, as MCP and CLI arguments arrive.
      const params = JSON.parse('{"ok":1,"__proto__":{"x":1}}') as Record<string, unknown>;
      const proto = await rejection(memory.logStep(e.id, { tool: 'edit', params }));
      expect(proto.code).toBe('INVALID_INPUT');
      expect(proto.message).toContain('params.__proto__');
      const lone = await rejection(memory.startEpisode({ task: 'half \uD83D pair' }));
      expect(lone.code).toBe('INVALID_INPUT');
      expect(lone.message).toContain('task contains a lone UTF-16 surrogate');
      // A whole pair is fine and comes back unchanged.
      const emoji = await memory.startEpisode({ task: 'whole \uD83D\uDE00 pair' });
      expect((await memory.getEpisode(emoji.id)).task).toBe('whole \uD83D\uDE00 pair');
    } finally {
      await memory.close();
    }
  });
});
