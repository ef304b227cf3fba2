import { describe, expect, it } from 'vitest';
import type { Checkpoint, Episode } from '../../src/core/index.js';
import { buildHandoff } from '../../src/learning/index.js';
import { fail, isoAt, makeEpisode, type StepLike, timeout } from './fixtures.js';

function inProgress(steps: StepLike[]): Episode {
  const { outcome: _outcome, endedAt: _endedAt, ...episode } = makeEpisode({ steps });
  return episode;
}

function checkpoint(n: number, note: string, progress?: number): Checkpoint {
  return {
    id: `c${n}`,
    episodeId: 'e',
    at: isoAt(n * 1000),
    note,
    stepCount: n,
    ...(progress === undefined ? {} : { progress }),
  };
}

const playbook = {
  steps: [
    { order: 1, tool: 'read', action: 'read the test', why: 'know what fails', support: 1, times: 1 },
    { order: 2, tool: 'edit', action: 'fix it', why: 'the fix', support: 1, times: 1 },
    { order: 3, tool: 'test', action: 'npm test', why: 'check', support: 1, times: 1 },
  ],
};

describe('buildHandoff', () => {
  it('says where an episode in progress stands and what is left to do', () => {
    const episode = inProgress(['read', fail('test', 'AssertionError: expired token'), 'edit']);
    const handoff = buildHandoff({ episode, checkpoints: [], playbook });
    expect(handoff).toMatchObject({ episodeId: episode.id, status: 'in_progress', stepsDone: 3, notes: [] });
    expect(handoff.whatWorked).toEqual([
      'tool sequence: read → edit',
      'after test failed, edit (edit step) worked',
    ]);
    expect(handoff.whatFailed).toEqual(['test: AssertionError: expired token']);
    // read and edit succeeded already; test only failed, so it is still a next step.
    expect(handoff.nextSteps).toEqual([{ tool: 'test', action: 'npm test', why: 'check' }]);
    expect(handoff.lastCheckpoint).toBeUndefined();
  });

  it('reports a completed episode by its outcome and cuts long errors to 200 characters', () => {
    const episode = makeEpisode({ steps: [fail('bash', 'x'.repeat(500)), timeout('bash')] });
    const handoff = buildHandoff({ episode, checkpoints: [] });
    expect(handoff.status).toBe('success');
    expect(handoff.whatFailed).toHaveLength(2);
    expect(handoff.whatFailed[0]?.length).toBeLessThanOrEqual(200);
    expect(handoff.whatFailed[1]).toMatch(/^bash: timed out/);
    expect(handoff.whatWorked).toEqual([]);
    expect(handoff.nextSteps).toEqual([]);
  });

  it('keeps the newest checkpoint and at most five notes, newest first', () => {
    const checkpoints = [1, 2, 3, 4, 5, 6, 7].map((n) => checkpoint(n, `note ${n}`, n / 10));
    const handoff = buildHandoff({ episode: inProgress([]), checkpoints: [...checkpoints].reverse() });
    expect(handoff.lastCheckpoint?.id).toBe('c7');
    expect(handoff.notes).toEqual(['note 7', 'note 6', 'note 5', 'note 4', 'note 3']);
  });

  it('gives at most five next steps, skipping tools that already worked', () => {
    const many = {
      steps: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((tool, i) => ({
        order: i + 1,
        support: 1,
        times: 1,
        tool,
        action: '',
        why: '',
      })),
    };
    const handoff = buildHandoff({ episode: inProgress(['a']), checkpoints: [], playbook: many });
    expect(handoff.nextSteps.map((s) => s.tool)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });
});
