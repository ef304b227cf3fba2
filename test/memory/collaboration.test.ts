import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, MemoryError, SelfLearningMemory, seededRandom } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-collab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const T0 = Date.parse('2026-11-01T09:00:00.000Z');

async function expectCode(promise: Promise<unknown>, code: string): Promise<MemoryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(code);
  return error as MemoryError;
}

describe('SelfLearningMemory: feedback, checkpoints, handoff, tags and links', () => {
  let memory: SelfLearningMemory;
  beforeEach(async () => {
    memory = await SelfLearningMemory.open({
      db: join(dir, `m-${n++}.db`),
      clock: fixedClock(T0, 1_000),
      random: seededRandom(11),
      embeddings: { provider: 'hash' },
    });
  });
  afterEach(async () => {
    await memory.close();
  });

  const TASK = 'Fix the failing login test in the auth service';

  async function finished(tools: string[], task = TASK): Promise<{ id: string; patternIds: string[] }> {
    const { id } = await memory.startEpisode({ task, context: { domain: 'web' } });
    for (const tool of tools) await memory.logStep(id, { tool, action: 'step' });
    const { episode } = await memory.completeEpisode(id, { status: 'success', verdict: 'done' });
    return { id, patternIds: episode.patternIds };
  }

  async function sequenceOf(patternIds: string[]): Promise<string> {
    for (const id of patternIds) {
      const p = await memory.getPattern(id);
      if (p.type === 'tool_sequence') return p.id;
    }
    throw new Error('no tool sequence');
  }

  it('counts feedback on the named patterns and recomputes their effectiveness', async () => {
    const done = await finished(['read', 'edit', 'test']);
    const patternId = await sequenceOf(done.patternIds);
    await memory.recordFeedback({ patternIds: [patternId], success: true, episodeId: done.id });
    const { patterns } = await memory.recordFeedback({
      patternIds: [patternId],
      playbookSteps: [{ tool: 'edit' }],
      success: false,
      note: 'the fix was elsewhere',
    });
    expect(patterns).toHaveLength(1);
    expect(patterns[0]).toMatchObject({ feedbackApplied: 2, feedbackHelped: 1, effectiveness: 0.5 });
    expect((await memory.getPattern(patternId)).feedbackApplied).toBe(2);
  });

  it('rejects feedback naming an unknown pattern, writing nothing, and feedback naming nothing', async () => {
    const done = await finished(['read', 'edit']);
    const patternId = await sequenceOf(done.patternIds);
    await expectCode(
      memory.recordFeedback({ patternIds: [patternId, 'pat_nope'], success: true }),
      'NOT_FOUND',
    );
    expect((await memory.getPattern(patternId)).feedbackApplied).toBe(0);
    const error = await expectCode(memory.recordFeedback({ success: true }), 'INVALID_INPUT');
    expect(error.message).toMatch(/at least one/);
  });

  it('ranks the episode whose pattern got positive feedback above a same-text one', async () => {
    // The two same-text episodes tie on relevance (rank fusion gives equal scores the same rank), so what
    // orders them is the re-ranking signals, effectiveness among them. Default retrieval settings.
    const ranked = await SelfLearningMemory.open({
      db: join(dir, `rank-${n++}.db`),
      clock: fixedClock(T0, 1_000),
      random: seededRandom(3),
      embeddings: false,
    });
    try {
      const episodes = [];
      for (const tools of [
        ['read', 'edit'],
        ['grep', 'sed'],
      ]) {
        const { id } = await ranked.startEpisode({ task: TASK, context: { domain: 'web' } });
        for (const tool of tools) await ranked.logStep(id, { tool, action: 'step' });
        episodes.push((await ranked.completeEpisode(id, { status: 'success', verdict: 'done' })).episode);
      }
      const query = { task: TASK, context: { domain: 'web' }, limit: 2 };
      const before = await ranked.retrieve(query);
      expect(before.episodes.map((e) => e.signals.relevance)).toEqual([1, 1]);
      // Praise the one that ranked second: it must come first afterwards.
      const second = episodes.find((e) => e.id === before.episodes[1]?.episode.id);
      const sequence = (await ranked.listPatterns({ type: 'tool_sequence', limit: 100 })).find((p) =>
        p.evidence.includes(second?.id ?? ''),
      );
      await ranked.recordFeedback({ patternIds: [sequence?.id ?? ''], success: true });
      const after = await ranked.retrieve(query);
      expect(after.episodes[0]?.episode.id).toBe(second?.id);
      expect(after.episodes[0]?.signals.effectiveness).toBeGreaterThan(0.5);
    } finally {
      await ranked.close();
    }
  });

  it('checkpoints an episode in progress only, and lists its checkpoints', async () => {
    const { id } = await memory.startEpisode({ task: TASK });
    await memory.logStep(id, { tool: 'read' });
    const c = await memory.checkpointEpisode(id, { note: 'found the bug', progress: 0.4 });
    expect(c).toMatchObject({ episodeId: id, note: 'found the bug', progress: 0.4, stepCount: 1 });
    expect(await memory.listCheckpoints(id)).toEqual([c]);
    await expectCode(memory.checkpointEpisode(id, { note: 'x', progress: 2 }), 'INVALID_INPUT');
    await expectCode(memory.checkpointEpisode('missing', { note: 'x' }), 'NOT_FOUND');
    await memory.completeEpisode(id, { status: 'success' });
    await expectCode(memory.checkpointEpisode(id, { note: 'late' }), 'EPISODE_COMPLETED');
  });

  it('hands off an episode in progress and resumes it as the same episode', async () => {
    await finished(['read', 'edit', 'test']);
    const { id } = await memory.startEpisode({ task: TASK, context: { domain: 'web' } });
    await memory.logStep(id, { tool: 'read', action: 'read the test' });
    await memory.logStep(id, { tool: 'test', result: { status: 'error', message: 'AssertionError' } });
    await memory.checkpointEpisode(id, { note: 'the token check is wrong', progress: 0.5 });
    const handoff = await memory.getHandoff(id);
    expect(handoff).toMatchObject({ episodeId: id, status: 'in_progress', stepsDone: 2 });
    expect(handoff.whatFailed).toEqual(['test: AssertionError']);
    expect(handoff.notes).toEqual(['the token check is wrong']);
    expect(handoff.nextSteps.map((s) => s.tool)).not.toContain('read');
    const resumed = await memory.resumeFromHandoff(id, { agent: 'bob' });
    expect(resumed.resumed).toBe('same');
    expect(resumed.episode.id).toBe(id);
    const notes = (await memory.listCheckpoints(id)).map((c) => c.note);
    expect(notes).toEqual(['the token check is wrong', 'resumed by bob']);
  });

  it('resumes a completed episode as a new one that follows it', async () => {
    const { id } = await memory.startEpisode({ task: TASK, context: { domain: 'web' }, tags: ['auth'] });
    await memory.completeEpisode(id, { status: 'partial', verdict: 'half done' });
    const resumed = await memory.resumeFromHandoff(id);
    expect(resumed.resumed).toBe('new');
    expect(resumed.handoff.status).toBe('partial');
    expect(resumed.episode).toMatchObject({ task: TASK, tags: ['auth'], context: { domain: 'web' } });
    expect(resumed.episode.id).not.toBe(id);
    expect(await memory.listLinks(id)).toMatchObject([{ from: resumed.episode.id, to: id, type: 'follows' }]);
    await expectCode(memory.resumeFromHandoff('missing'), 'NOT_FOUND');
  });

  it('adds and removes normalised tags, which listEpisodes filters by', async () => {
    const { id } = await memory.startEpisode({ task: TASK, tags: ['backend'] });
    expect((await memory.addTags(id, ['Flaky Test', 'backend'])).tags).toEqual(['backend', 'flaky-test']);
    expect((await memory.listEpisodes({ tags: ['flaky-test'] })).map((e) => e.id)).toEqual([id]);
    expect((await memory.removeTags(id, ['FLAKY test'])).tags).toEqual(['backend']);
    expect(await memory.listEpisodes({ tags: ['flaky-test'] })).toEqual([]);
    await expectCode(memory.addTags(id, ['no/slash']), 'INVALID_INPUT');
    await expectCode(memory.addTags(id, []), 'INVALID_INPUT');
    await expectCode(memory.addTags('missing', ['x']), 'NOT_FOUND');
  });

  it('links episodes, refusing self links, duplicates and cycles, and unlinks them', async () => {
    const [a, b, c] = [
      await memory.startEpisode({ task: 'a' }),
      await memory.startEpisode({ task: 'b' }),
      await memory.startEpisode({ task: 'c' }),
    ];
    const link = await memory.linkEpisodes({ from: a.id, to: b.id, type: 'depends_on', note: 'needs b' });
    expect(link).toMatchObject({ from: a.id, to: b.id, type: 'depends_on', note: 'needs b' });
    await memory.linkEpisodes({ from: b.id, to: c.id, type: 'depends_on' });
    const cycle = await expectCode(
      memory.linkEpisodes({ from: c.id, to: a.id, type: 'depends_on' }),
      'CONFLICT',
    );
    expect(cycle.message).toContain('cycle');
    await expectCode(memory.linkEpisodes({ from: a.id, to: b.id, type: 'depends_on' }), 'CONFLICT');
    await expectCode(memory.linkEpisodes({ from: a.id, to: a.id, type: 'related_to' }), 'INVALID_INPUT');
    await expectCode(memory.linkEpisodes({ from: a.id, to: 'missing', type: 'related_to' }), 'NOT_FOUND');
    await expectCode(
      memory.linkEpisodes({ from: a.id, to: b.id, type: 'nope' as 'follows' }),
      'INVALID_INPUT',
    );
    expect(await memory.listLinks(b.id)).toHaveLength(2);
    await memory.unlinkEpisodes({ from: a.id, to: b.id, type: 'depends_on' });
    await expectCode(memory.unlinkEpisodes({ from: a.id, to: b.id, type: 'depends_on' }), 'NOT_FOUND');
    await memory.deleteEpisode(c.id);
    expect(await memory.listLinks(b.id)).toEqual([]);
  });
});
