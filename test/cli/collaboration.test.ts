import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { removeTempDirs, slmem, slmemJson } from './run-cli.js';

afterAll(async () => {
  removeTempDirs();
  await dropSchemas();
});

interface JsonEpisode {
  id: string;
  tags: string[];
  patternIds: string[];
}
interface JsonPattern {
  id: string;
  type: string;
  feedbackApplied: number;
  feedbackHelped: number;
  effectiveness: number;
}
interface JsonLink {
  from: string;
  to: string;
  type: string;
  note?: string;
}

async function start(db: string, task = 'Fix the failing login test'): Promise<string> {
  return (await slmemJson<JsonEpisode>(['--db', db, 'episode', 'start', '--task', task, '--domain', 'web']))
    .id;
}

async function completed(db: string): Promise<JsonEpisode> {
  const id = await start(db);
  for (const tool of ['read', 'edit'])
    await slmemJson(['--db', db, 'episode', 'log-step', id, '--tool', tool, '--action', 'step']);
  return slmemJson<JsonEpisode>(['--db', db, 'episode', 'complete', id, '--outcome', 'success']);
}

describe.each(testBackends())('slmem feedback on $name', ({ db: freshDb }) => {
  it('records feedback on patterns and prints them with their new effectiveness', async () => {
    const db = freshDb();
    const episode = await completed(db);
    const patternId = episode.patternIds[0] ?? '';
    const result = await slmemJson<{ patterns: JsonPattern[] }>([
      '--db',
      db,
      'feedback',
      '--patterns',
      patternId,
      '--success',
      '--episode',
      episode.id,
      '--note',
      'it worked',
    ]);
    expect(result.patterns).toHaveLength(1);
    expect(result.patterns[0]).toMatchObject({ id: patternId, feedbackApplied: 1, feedbackHelped: 1 });
    expect(result.patterns[0]?.effectiveness).toBeCloseTo(2 / 3);
  });

  it('fails with NOT_FOUND for an unknown pattern and INVALID_INPUT without --success or --failure', async () => {
    const db = freshDb();
    const missing = await slmem(['--db', db, 'feedback', '--patterns', 'pat_nope', '--failure']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/NOT_FOUND: pattern pat_nope does not exist/);
    const neither = await slmem(['--db', db, 'feedback', '--patterns', 'pat_nope']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--success or --failure/);
  });
});

describe.each(testBackends())('slmem episode checkpoint, handoff, resume on $name', ({ db: freshDb }) => {
  it('checkpoints, hands off and resumes an episode in progress', async () => {
    const db = freshDb();
    const id = await start(db);
    await slmemJson([
      '--db',
      db,
      'episode',
      'log-step',
      id,
      '--tool',
      'bash',
      '--action',
      'npm test',
      '--error',
      'boom',
    ]);
    const checkpoint = await slmemJson<{
      episodeId: string;
      note: string;
      progress: number;
      stepCount: number;
    }>(['--db', db, 'episode', 'checkpoint', id, '--note', 'token check is wrong', '--progress', '0.5']);
    expect(checkpoint).toMatchObject({
      episodeId: id,
      note: 'token check is wrong',
      progress: 0.5,
      stepCount: 1,
    });

    const handoff = await slmemJson<{ status: string; whatFailed: string[]; notes: string[] }>([
      '--db',
      db,
      'episode',
      'handoff',
      id,
    ]);
    expect(handoff).toMatchObject({
      status: 'in_progress',
      whatFailed: ['bash: boom'],
      notes: ['token check is wrong'],
    });
    const human = await slmem(['--db', db, 'episode', 'handoff', id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/What failed/);

    const resumed = await slmem(['--db', db, 'episode', 'resume', id, '--agent', 'bob']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.split('\n')[0]).toBe(id);
    const bad = await slmem(['--db', db, 'episode', 'checkpoint', id, '--note', 'x', '--progress', '2']);
    expect(bad.code).toBe(2);
  });

  it('resumes a completed episode as a new one (JSON) and refuses to checkpoint it', async () => {
    const db = freshDb();
    const done = await completed(db);
    const result = await slmemJson<{ episode: JsonEpisode; handoff: { status: string }; resumed: string }>([
      '--db',
      db,
      'episode',
      'resume',
      done.id,
    ]);
    expect(result.resumed).toBe('new');
    expect(result.episode.id).not.toBe(done.id);
    expect(result.handoff.status).toBe('success');
    const late = await slmem(['--db', db, 'episode', 'checkpoint', done.id, '--note', 'late']);
    expect(late.code).toBe(6);
  });
});

describe.each(testBackends())('slmem tag and link on $name', ({ db: freshDb }) => {
  it('adds and removes tags', async () => {
    const db = freshDb();
    const id = await start(db);
    const added = await slmemJson<JsonEpisode>(['--db', db, 'tag', 'add', id, 'Flaky,auth']);
    expect(added.tags).toEqual(['auth', 'flaky']);
    const removed = await slmemJson<JsonEpisode>(['--db', db, 'tag', 'remove', id, 'flaky']);
    expect(removed.tags).toEqual(['auth']);
    const bad = await slmem(['--db', db, 'tag', 'add', id, 'no/slash']);
    expect(bad.code).toBe(2);
  });

  it('adds, lists and removes links, refusing a cycle', async () => {
    const db = freshDb();
    const [a, b] = [await start(db, 'first'), await start(db, 'second')];
    const link = await slmemJson<JsonLink>([
      '--db',
      db,
      'link',
      'add',
      b,
      a,
      '--type',
      'follows',
      '--note',
      'next',
    ]);
    expect(link).toMatchObject({ from: b, to: a, type: 'follows', note: 'next' });
    const cycle = await slmem(['--db', db, 'link', 'add', a, b, '--type', 'follows']);
    expect(cycle.code).toBe(5);
    expect(cycle.stderr).toMatch(/cycle/);
    expect(await slmemJson<JsonLink[]>(['--db', db, 'link', 'list', a])).toHaveLength(1);
    const removed = await slmemJson<{ removed: JsonLink }>([
      '--db',
      db,
      'link',
      'remove',
      b,
      a,
      '--type',
      'follows',
    ]);
    expect(removed.removed).toEqual({ from: b, to: a, type: 'follows' });
    const again = await slmem(['--db', db, 'link', 'remove', b, a, '--type', 'follows']);
    expect(again.code).toBe(4);
    const badType = await slmem(['--db', db, 'link', 'add', a, b, '--type', 'sibling']);
    expect(badType.code).toBe(2);
  });
});
