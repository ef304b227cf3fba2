import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, testBackends } from '../backends.js';
import { slmem, slmemJson } from './run-cli.js';

afterAll(dropSchemas);

/** Three fixes of the same failure in `web`: the memory learns a rule or two from them. */
async function learn(db: string): Promise<void> {
  const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
  try {
    for (const task of ['Fix the login test', 'Fix the signup test', 'Fix the admin test']) {
      const episode = await memory.startEpisode({ task, taskType: 'debugging', context: { domain: 'web' } });
      await memory.logStep(episode.id, {
        tool: 'bash',
        action: 'npm test',
        result: { status: 'error', message: 'AssertionError: token expired' },
      });
      await memory.logStep(episode.id, { tool: 'edit', action: 'fix expiry', result: { status: 'success' } });
      await memory.logStep(episode.id, { tool: 'bash', action: 'npm test', result: { status: 'success' } });
      await memory.completeEpisode(episode.id, { status: 'success', verdict: 'tests pass' });
    }
  } finally {
    await memory.close();
  }
}

interface JsonHeuristic {
  id: string;
  domain: string;
  confidence: number;
  conditionText: string;
}

describe.each(testBackends())('slmem heuristic list on $name', ({ db: freshDb }) => {
  const db = freshDb();
  beforeAll(() => learn(db));

  it('lists the learned rules as JSON, filtered by domain, confidence and limit', async () => {
    const all = await slmemJson<JsonHeuristic[]>(['--db', db, 'heuristic', 'list']);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((h) => h.domain === 'web')).toBe(true);
    expect(
      await slmemJson<JsonHeuristic[]>(['--db', db, 'heuristic', 'list', '--domain', 'billing']),
    ).toEqual([]);
    expect(await slmemJson<JsonHeuristic[]>(['--db', db, 'heuristic', 'list', '--limit', '1'])).toHaveLength(
      1,
    );
    const confident = await slmemJson<JsonHeuristic[]>([
      '--db',
      db,
      'heuristic',
      'list',
      '--min-confidence',
      '0.5',
    ]);
    for (const h of confident) expect(h.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('prints a table for people and refuses a confidence above 1', async () => {
    const table = await slmem(['--db', db, 'heuristic', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+CONFIDENCE\s+AGREE\s+DOMAIN\s+RULE/);
    expect(table.stdout).toContain('when ');

    const bad = await slmem(['--db', db, 'heuristic', 'list', '--min-confidence', '1.5']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--min-confidence must be a number from 0 to 1/);
  });
});
