import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { logStep, removeTempDirs, slmem, slmemJson } from './run-cli.js';

afterAll(async () => {
  removeTempDirs();
  await dropSchemas();
});

interface JsonStep {
  seq: number;
  tool: string;
  params: Record<string, unknown>;
  latencyMs: number;
  tokens?: number;
  result: { status: string; message?: string; output?: string };
}
interface JsonEpisode {
  id: string;
  task: string;
  context: { domain: string; language?: string; complexity: string };
  tags: string[];
  steps: JsonStep[];
  outcome?: { status: string };
  reward?: { total: number; base: number };
  reflection?: { successes: string[]; improvements: string[]; insights: string[] };
  patternIds: string[];
}

async function startEpisode(db: string, task = 'Fix the failing login test'): Promise<string> {
  const started = await slmemJson<JsonEpisode>([
    '--db',
    db,
    'episode',
    'start',
    '--task',
    task,
    '--domain',
    'web',
  ]);
  return started.id;
}

describe.each(testBackends())('slmem episode on $name', ({ db: freshDb }) => {
  it('starts, logs success, error and timeout steps, and completes with a reward', async () => {
    const db = freshDb();
    const started = await slmem([
      '--db',
      db,
      'episode',
      'start',
      '--task',
      'Fix the login test',
      '--domain',
      'web',
      '--language',
      'ts',
      '--tags',
      'auth,CI',
    ]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const params = '{"file":"src/auth.ts"}';
    const steps = [
      [
        '--tool',
        'bash',
        '--action',
        'npm test',
        '--error',
        'AssertionError: expired token',
        '--latency-ms',
        '1200',
      ],
      ['--tool', 'edit', '--action', 'fix expiry check', '--params', params, '--tokens', '350'],
      ['--tool', 'bash', '--action', 'npm test', '--timeout'],
      ['--tool', 'bash', '--action', 'npm test', '--output', '42 passed'],
    ];
    for (const step of steps)
      expect((await slmem(['--db', db, 'episode', 'log-step', id, ...step])).code).toBe(0);

    const completed = await slmem([
      '--db',
      db,
      'episode',
      'complete',
      id,
      '--outcome',
      'success',
      '--verdict',
      'tests pass',
    ]);
    expect(completed.code).toBe(0);
    expect(completed.stdout).toMatch(/Reward\s+\d\.\d\d/);
    expect(completed.stdout).toContain('Reflection');
    expect(completed.stdout).toMatch(/Patterns learned \(\d+\)/);

    const shown = await slmemJson<JsonEpisode>(['--db', db, 'episode', 'show', id]);
    expect(shown.steps.map((s) => s.result.status)).toEqual(['error', 'success', 'timeout', 'success']);
    expect(shown.steps[0]).toMatchObject({
      latencyMs: 1200,
      result: { message: 'AssertionError: expired token' },
    });
    expect(shown.steps[1]).toMatchObject({ params: { file: 'src/auth.ts' }, tokens: 350 });
    expect(shown.tags).toEqual(['auth', 'ci']);
    expect(shown.context).toMatchObject({ domain: 'web', language: 'ts' });
  });

  it('prints the completed episode with its patterns and heuristics as JSON', async () => {
    const db = freshDb();
    const id = await startEpisode(db);
    await logStep(db, id, 'bash', 'npm test', '--error', 'boom');
    await logStep(db, id, 'edit', 'fix');
    const report = await slmemJson<JsonEpisode & { patterns: Array<{ id: string }>; heuristics: unknown[] }>([
      '--db',
      db,
      'episode',
      'complete',
      id,
      '--outcome',
      'partial',
      '--verdict',
      'half done',
    ]);
    expect(report.id).toBe(id);
    expect(report.outcome).toMatchObject({ status: 'partial', verdict: 'half done' });
    expect(report.reward?.total).toBeGreaterThan(0);
    expect(report.reflection?.insights).toBeInstanceOf(Array);
    expect(report.patterns.map((p) => p.id).sort()).toEqual([...report.patternIds].sort());
    expect(report.heuristics).toBeInstanceOf(Array);
  });

  it('lists with filters and deletes', async () => {
    const db = freshDb();
    const first = await startEpisode(db, 'first task');
    const second = await startEpisode(db, 'second task');
    await slmem(['--db', db, 'episode', 'complete', second, '--outcome', 'failure', '--reason', 'gave up']);

    expect((await slmemJson<JsonEpisode[]>(['--db', db, 'episode', 'list'])).map((e) => e.id)).toEqual([
      second,
      first,
    ]);
    const failures = await slmemJson<JsonEpisode[]>(['--db', db, 'episode', 'list', '--outcome', 'failure']);
    expect(failures.map((e) => e.id)).toEqual([second]);
    expect((await slmem(['--db', db, 'episode', 'list', '--limit', '1'])).stdout).toContain('second task');

    expect(await slmemJson(['--db', db, 'episode', 'delete', first])).toEqual({ deleted: first });
    expect(await slmemJson<JsonEpisode[]>(['--db', db, 'episode', 'list'])).toHaveLength(1);
    expect((await slmem(['--db', db, 'episode', 'show', first])).code).toBe(4);
  });
});
