import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { removeTempDirs, slmem, slmemJson, tempDb, writeTauJsonl } from './run-cli.js';

afterAll(async () => {
  removeTempDirs();
  await dropSchemas();
});

const TASK = 'I received my order but the water bottle leaks; I want to return it to my credit card';

describe.each(testBackends())('slmem retrieve and playbook on $name', ({ db: freshDb }) => {
  const { dir } = tempDb();
  const db = freshDb();

  beforeAll(async () => {
    const file = await writeTauJsonl(dir, 60);
    const imported = await slmem(['--db', db, 'import', file]);
    expect(imported.code).toBe(0);
  });

  it('retrieves episodes, patterns and heuristics in the documented JSON shape', async () => {
    const result = await slmemJson<{
      episodes: Array<Record<string, unknown>>;
      patterns: Array<Record<string, unknown>>;
      heuristics: Array<Record<string, unknown>>;
    }>(['--db', db, 'retrieve', '--task', TASK, '--domain', 'retail', '--limit', '3']);
    expect(result.episodes).toHaveLength(3);
    for (const episode of result.episodes) {
      expect(Object.keys(episode).sort()).toEqual(['id', 'outcome', 'reward', 'score', 'task', 'why']);
      expect(episode.outcome).toBe('success');
      expect(typeof episode.reward).toBe('number');
    }
    expect(result.patterns.length).toBeGreaterThan(0);
    expect(Object.keys(result.patterns[0]!).sort()).toEqual([
      'description',
      'id',
      'occurrences',
      'score',
      'successRate',
      'type',
    ]);
    for (const heuristic of result.heuristics) {
      expect(Object.keys(heuristic).sort()).toEqual([
        'actionText',
        'conditionText',
        'confidence',
        'id',
        'score',
      ]);
    }
  });

  it('prints retrieved episodes for people', async () => {
    const result = await slmem(['--db', db, 'retrieve', '--task', TASK, '--domain', 'retail']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Relevant episodes (5)');
    expect(result.stdout).toContain('same domain (retail)');
  });

  it('builds a playbook with steps, pitfalls, confidence and supporting episodes', async () => {
    const playbook = await slmemJson<{
      steps: Array<{ tool: string; action: string; why: string }>;
      pitfalls: string[];
      confidence: number;
      supportingEpisodeIds: string[];
    }>(['--db', db, 'playbook', '--task', TASK, '--domain', 'retail', '--max-steps', '3']);
    expect(playbook.steps.length).toBeGreaterThanOrEqual(1);
    expect(playbook.steps.length).toBeLessThanOrEqual(3);
    expect(playbook.steps[0]).toMatchObject({
      tool: expect.any(String),
      action: expect.any(String),
      why: expect.any(String),
    });
    expect(playbook.pitfalls).toBeInstanceOf(Array);
    expect(playbook.confidence).toBeGreaterThan(0);
    expect(playbook.supportingEpisodeIds.length).toBeGreaterThan(0);

    const human = await slmem(['--db', db, 'playbook', '--task', TASK, '--domain', 'retail']);
    expect(human.stdout).toMatch(/^\s+1\. \S+/m);
  });

  it('lists and shows patterns, and reports stats', async () => {
    const patterns = await slmemJson<Array<{ id: string; type: string }>>([
      '--db',
      db,
      'pattern',
      'list',
      '--type',
      'tool_sequence',
    ]);
    expect(patterns.length).toBeGreaterThan(0);
    expect(new Set(patterns.map((p) => p.type))).toEqual(new Set(['tool_sequence']));
    const shown = await slmem(['--db', db, 'pattern', 'show', patterns[0]!.id]);
    expect(shown.stdout).toContain(patterns[0]!.id);
    const stats = await slmemJson<{ episodes: number; completedEpisodes: number; patterns: number }>([
      '--db',
      db,
      'stats',
    ]);
    expect(stats).toMatchObject({ episodes: 60, completedEpisodes: 60 });
    expect(stats.patterns).toBeGreaterThan(0);
  });

  it('tuned itself on the import, says so in stats, and tunes again on demand', async () => {
    const stats = await slmemJson<{ tuning: { note: string; episodes: number } | null }>([
      '--db',
      db,
      'stats',
    ]);
    // 60 imported episodes, 25 or more: the import ran the tuning.
    expect(stats.tuning?.episodes).toBe(60);
    expect(stats.tuning?.note).toMatch(/^(from 60 successful episodes|defaults kept)/);
    const human = await slmem(['--db', db, 'stats']);
    expect(human.stdout).toMatch(/tuning\s+\d{4}-\d{2}-\d{2}, /);
    const tuned = await slmemJson<{ note: string; seconds: number }>(['--db', db, 'tune']);
    expect(tuned.note).toBe(stats.tuning?.note);
    expect(tuned.seconds).toBeGreaterThanOrEqual(0);
  });
});
