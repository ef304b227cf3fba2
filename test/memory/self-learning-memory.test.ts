import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, MemoryError, SelfLearningMemory, seededRandom } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const T0 = Date.parse('2026-11-01T09:00:00.000Z');

async function openMemory(path = join(dir, `m-${n++}.db`)): Promise<SelfLearningMemory> {
  return SelfLearningMemory.open({
    db: path,
    clock: fixedClock(T0, 1_000),
    random: seededRandom(7),
    embeddings: { provider: 'hash' },
  });
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<MemoryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(code);
  return error as MemoryError;
}

describe('SelfLearningMemory: the learning cycle', () => {
  let memory: SelfLearningMemory;
  beforeEach(async () => {
    memory = await openMemory();
  });
  afterEach(async () => {
    await memory.close();
  });

  it('starts, logs, completes and learns', async () => {
    const episode = await memory.startEpisode({
      task: 'Fix the flaky login test',
      taskType: 'debugging',
      context: { domain: 'web', language: 'TypeScript', tags: ['Auth Service'] },
    });
    expect(episode.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(episode.context.tags).toEqual(['auth-service']);
    await memory.logStep(episode.id, {
      tool: 'bash',
      action: 'npm test',
      result: { status: 'error', message: 'AssertionError: expected 200' },
    });
    await memory.logStep(episode.id, { tool: 'edit', action: 'fix token expiry check', latencyMs: 900 });
    await memory.logStep(episode.id, {
      tool: 'bash',
      action: 'npm test',
      result: { status: 'success', output: 'all pass' },
    });
    const { episode: done, patterns } = await memory.completeEpisode(episode.id, {
      status: 'success',
      verdict: 'tests pass',
    });
    expect(done.reward.total).toBeGreaterThan(0);
    expect(done.reward.total).toBeLessThanOrEqual(1);
    expect(done.reflection.successes.length).toBeGreaterThan(0);
    expect(done.summary.text).toContain('login');
    expect(patterns.map((p) => p.type)).toContain('error_recovery');
    expect((await memory.getEpisode(episode.id)).steps.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('is deterministic: the same inputs and clock give the same learning', async () => {
    const run = async (m: SelfLearningMemory) => {
      const e = await m.startEpisode({ task: 'Refactor the payment module', taskType: 'refactoring' });
      await m.logStep(e.id, { tool: 'read', action: 'open payment.ts' });
      await m.logStep(e.id, { tool: 'edit', action: 'extract function' });
      const { episode } = await m.completeEpisode(e.id, { status: 'success' });
      return {
        reward: episode.reward,
        reflection: episode.reflection,
        summary: episode.summary,
        patternIds: episode.patternIds,
      };
    };
    const other = await openMemory();
    try {
      expect(await run(memory)).toEqual(await run(other));
    } finally {
      await other.close();
    }
  });

  it('retrieves the relevant episode first and explains why', async () => {
    for (const [task, domain, tools] of [
      ['Fix the failing login test in the auth service', 'web', ['bash', 'edit', 'bash']],
      ['Write the monthly billing report query', 'data', ['sql', 'write']],
      ['Update the README install section', 'docs', ['edit']],
    ] as const) {
      const e = await memory.startEpisode({ task, context: { domain } });
      for (const tool of tools) await memory.logStep(e.id, { tool, action: `${tool} something` });
      await memory.completeEpisode(e.id, { status: 'success' });
    }
    const result = await memory.retrieve({
      task: 'login test is failing again',
      context: { domain: 'web' },
      limit: 3,
    });
    expect(result.episodes[0]?.episode.task).toContain('login');
    expect(result.episodes[0]?.why).toMatch(/login/);
    expect(result.episodes[0]?.why).toMatch(/same domain/);
    expect(result.patterns.length).toBeGreaterThan(0);
    const scores = result.episodes.map((e) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('builds a playbook from what worked', async () => {
    for (let i = 0; i < 3; i++) {
      const e = await memory.startEpisode({
        task: `Deploy the api service release ${i}`,
        context: { domain: 'ops' },
      });
      for (const tool of ['build', 'test', 'deploy'])
        await memory.logStep(e.id, { tool, action: `${tool} api` });
      await memory.completeEpisode(e.id, { status: 'success' });
    }
    const playbook = await memory.playbook({ task: 'Deploy the api service', context: { domain: 'ops' } });
    expect(playbook.steps.map((s) => s.tool)).toEqual(['build', 'test', 'deploy']);
    expect(playbook.confidence).toBeGreaterThan(0);
    expect(playbook.supportingEpisodeIds.length).toBeGreaterThan(0);
    expect((await memory.playbook({ task: 'zzz qqq unrelated words' })).steps).toEqual([]);
  });

  it('lists, filters and deletes', async () => {
    const a = await memory.startEpisode({ task: 'task a', context: { domain: 'web' }, tags: ['x'] });
    const b = await memory.startEpisode({ task: 'task b', context: { domain: 'data' } });
    await memory.completeEpisode(b.id, { status: 'failure', reason: 'no access' });
    expect((await memory.listEpisodes({ domain: 'web' })).map((e) => e.id)).toEqual([a.id]);
    expect((await memory.listEpisodes({ outcome: 'failure' })).map((e) => e.id)).toEqual([b.id]);
    expect((await memory.listEpisodes({ tags: ['X'] })).map((e) => e.id)).toEqual([a.id]);
    await memory.deleteEpisode(a.id);
    await expectCode(memory.getEpisode(a.id), 'NOT_FOUND');
    await expectCode(memory.deleteEpisode(a.id), 'NOT_FOUND');
    expect((await memory.stats()).episodes).toBe(1);
  });
});

describe('SelfLearningMemory: bad input gets a coded error and writes nothing', () => {
  let memory: SelfLearningMemory;
  beforeEach(async () => {
    memory = await openMemory();
  });
  afterEach(async () => {
    await memory.close();
  });

  it('rejects a task over 10,000 characters', async () => {
    const error = await expectCode(memory.startEpisode({ task: 'x'.repeat(10_001) }), 'LIMIT_EXCEEDED');
    expect(error.message).toMatch(/10000/);
    expect((await memory.stats()).episodes).toBe(0);
  });

  it('rejects empty tasks, unknown task types and bad tags, naming the field', async () => {
    expect((await expectCode(memory.startEpisode({ task: '  ' }), 'INVALID_INPUT')).message).toMatch(/task/);
    expect(
      (await expectCode(memory.startEpisode({ task: 't', taskType: 'cooking' as never }), 'INVALID_INPUT'))
        .message,
    ).toMatch(/taskType/);
    expect(
      (await expectCode(memory.startEpisode({ task: 't', tags: ['no spaces allowed!'] }), 'INVALID_INPUT'))
        .message,
    ).toMatch(/tag/);
    expect((await memory.stats()).episodes).toBe(0);
  });

  it('truncates long step output with a marker instead of rejecting it', async () => {
    const e = await memory.startEpisode({ task: 'long output' });
    const step = await memory.logStep(e.id, {
      tool: 'bash',
      action: 'cat big.log',
      result: { status: 'success', output: 'y'.repeat(25_000) },
    });
    const output = step.result.status === 'success' ? (step.result.output ?? '') : '';
    expect(output.length).toBe(10_000);
    expect(output).toMatch(/…\[truncated \d+ chars\]$/);
  });

  it('rejects params over 1 MB and steps past 1,000, writing nothing', async () => {
    const e = await memory.startEpisode({ task: 'big params' });
    await expectCode(
      memory.logStep(e.id, { tool: 'upload', params: { blob: 'z'.repeat(1_000_001) } }),
      'LIMIT_EXCEEDED',
    );
    expect((await memory.getEpisode(e.id)).steps).toHaveLength(0);
    const small = await SelfLearningMemory.open({
      db: join(dir, `limits-${n++}.db`),
      limits: { maxStepsPerEpisode: 2 },
    });
    try {
      const s = await small.startEpisode({ task: 'many steps' });
      await small.logStep(s.id, { tool: 'a' });
      await small.logStep(s.id, { tool: 'b' });
      await expectCode(small.logStep(s.id, { tool: 'c' }), 'LIMIT_EXCEEDED');
      expect((await small.getEpisode(s.id)).steps).toHaveLength(2);
    } finally {
      await small.close();
    }
  });

  it('rejects unknown episodes, finished episodes and bad outcomes', async () => {
    await expectCode(memory.logStep('01900000-0000-7000-8000-000000000000', { tool: 'a' }), 'NOT_FOUND');
    const e = await memory.startEpisode({ task: 't' });
    await expectCode(memory.completeEpisode(e.id, { status: 'won' } as never), 'INVALID_INPUT');
    expect((await memory.getEpisode(e.id)).outcome).toBeUndefined();
    await memory.completeEpisode(e.id, { status: 'success' });
    await expectCode(memory.logStep(e.id, { tool: 'late' }), 'EPISODE_COMPLETED');
    await expectCode(memory.completeEpisode(e.id, { status: 'success' }), 'EPISODE_COMPLETED');
  });

  it('refuses calls after close', async () => {
    await memory.close();
    await expectCode(memory.stats(), 'INVALID_INPUT');
  });
});

describe('SelfLearningMemory: import and export', () => {
  it('imports good records, reports bad ones by index, and round-trips losslessly', async () => {
    const memory = await openMemory();
    const report = await memory.importEpisodes([
      {
        id: '0190aaaa-0000-7000-8000-000000000001',
        task: 'Return the kettle',
        context: { domain: 'retail' },
        tags: ['tau'],
        metadata: { source: 'test' },
        steps: [
          {
            tool: 'get_order_details',
            action: 'look up',
            params: { order_id: '#W1' },
            output: '{...}',
            latencyMs: 200,
          },
          { tool: 'return_items', action: 'return', error: 'bad payment method', latencyMs: 100 },
          { tool: 'return_items', action: 'return', timeout: true },
          { tool: 'return_items', action: 'return', tokens: 12 },
        ],
        outcome: { status: 'success', verdict: 'returned', artifacts: ['refund'] },
        startedAt: '2026-10-01T10:00:00.000Z',
        endedAt: '2026-10-01T10:01:00.000Z',
      },
      { task: '', steps: [], outcome: { status: 'success' } },
      { task: 'No outcome', steps: [] },
      {
        task: 'Abstain',
        steps: [],
        outcome: { status: 'abstained', reason: 'not possible', infeasibilitySignals: ['no order'] },
      },
    ]);
    expect(report.imported).toBe(2);
    expect(report.failed.map((f) => [f.index, f.error.code])).toEqual([
      [1, 'INVALID_INPUT'],
      [2, 'INVALID_INPUT'],
    ]);
    const first: unknown[] = [];
    for await (const record of memory.exportEpisodes()) first.push(record);
    expect(first).toHaveLength(2);

    const copy = await openMemory();
    const again = await copy.importEpisodes(first);
    expect(again.failed).toEqual([]);
    const second: unknown[] = [];
    for await (const record of copy.exportEpisodes()) second.push(record);
    expect(second).toEqual(first);
    const original = await memory.getEpisode('0190aaaa-0000-7000-8000-000000000001');
    const copied = await copy.getEpisode('0190aaaa-0000-7000-8000-000000000001');
    expect(copied.reward).toEqual(original.reward);
    expect(copied.patternIds).toEqual(original.patternIds);
    const duplicate = await copy.importEpisodes([first[0]], { onConflict: 'fail' });
    expect(duplicate.failed[0]?.error.code).toBe('CONFLICT');
    await memory.close();
    await copy.close();
  });
});
