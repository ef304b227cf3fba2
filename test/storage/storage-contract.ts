import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Episode, Feedback, Learn, Step } from '../../src/core/index.js';
import { MemoryError } from '../../src/core/index.js';
import { applyFeedback, planLearning } from '../../src/learning/index.js';
import type { StorageBackend } from '../../src/storage/index.js';
import { runReadsContract } from './storage-contract-reads.js';

const learn: Learn = (episode) => planLearning(episode);

let counter = 0;
/** Time-ordered UUID-shaped ids without a clock, so every test gets fresh ones. */
function nextId(): string {
  counter++;
  const hex = counter.toString(16).padStart(12, '0');
  return `01900000-0000-7000-8000-${hex}`;
}

export function episode(overrides: Partial<Episode> = {}): Episode {
  return {
    id: nextId(),
    task: 'Fix the failing login test in the auth service',
    taskType: 'debugging',
    context: {
      domain: 'web',
      language: 'typescript',
      framework: 'express',
      complexity: 'moderate',
      tags: ['auth'],
    },
    tags: ['backend'],
    metadata: { ticket: 'AUTH-1' },
    startedAt: '2026-11-01T10:00:00.000Z',
    steps: [],
    patternIds: [],
    heuristicIds: [],
    ...overrides,
  };
}

export function step(tool: string, overrides: Partial<Omit<Step, 'seq'>> = {}): Omit<Step, 'seq'> {
  return {
    at: '2026-11-01T10:00:01.000Z',
    tool,
    action: `run ${tool}`,
    params: { arg: tool },
    result: { status: 'success', output: `${tool} ok` },
    latencyMs: 120,
    metadata: {},
    ...overrides,
  };
}

/** A finished episode whose steps ran `tools` successfully, then `failing` with an error. */
export function finished(base: Partial<Episode>, tools: string[], failing: string[] = []): Episode {
  return {
    ...episode(base),
    steps: [
      ...tools.map((tool, i) => ({ ...step(tool), seq: i + 1 })),
      ...failing.map((tool, i) => ({
        ...step(tool, { result: { status: 'error' as const, message: 'boom' } }),
        seq: tools.length + i + 1,
      })),
    ],
    outcome: { status: 'success', verdict: 'done', artifacts: [] },
    endedAt: '2026-11-01T10:05:00.000Z',
  };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(MemoryError);
  await expect(promise).rejects.toMatchObject({ code });
}

/**
 * What every storage backend must do. `make` returns a fresh, empty, migrated backend; `reopen` (optional)
 * returns a second backend on the same data, as another process would open it.
 */
export function runStorageContract(
  name: string,
  make: () => Promise<StorageBackend>,
  reopen?: (storage: StorageBackend) => Promise<StorageBackend>,
): void {
  runReadsContract(name, make, { episode, finished });
  describe(`storage contract: ${name}`, () => {
    let storage: StorageBackend;
    beforeEach(async () => {
      storage = await make();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('stores an episode and reads it back field for field', async () => {
      const e = episode();
      await storage.createEpisode(e);
      expect(await storage.getEpisode(e.id)).toEqual(e);
      expect(await storage.getEpisode(nextId())).toBeNull();
    });

    it('refuses a second episode with the same id', async () => {
      const e = episode();
      await storage.createEpisode(e);
      await rejectsWith(storage.createEpisode({ ...e, task: 'other' }), 'CONFLICT');
      expect((await storage.getEpisode(e.id))?.task).toBe(e.task);
    });

    it('numbers steps itself and keeps every field', async () => {
      const e = episode();
      await storage.createEpisode(e);
      const first = await storage.appendStep(e.id, step('grep', { tokens: 42, metadata: { k: 'v' } }), 10);
      const second = await storage.appendStep(
        e.id,
        step('bash', { result: { status: 'error', message: 'boom' } }),
        10,
      );
      const third = await storage.appendStep(e.id, step('bash', { result: { status: 'timeout' } }), 10);
      expect([first.seq, second.seq, third.seq]).toEqual([1, 2, 3]);
      const stored = await storage.getEpisode(e.id);
      expect(stored?.steps).toEqual([first, second, third]);
      expect(stored?.steps[0]?.tokens).toBe(42);
    });

    it('rejects steps for a missing episode, a completed one and past the limit, writing nothing', async () => {
      await rejectsWith(storage.appendStep(nextId(), step('bash'), 10), 'NOT_FOUND');
      const e = episode();
      await storage.createEpisode(e);
      await storage.appendStep(e.id, step('a'), 2);
      await storage.appendStep(e.id, step('b'), 2);
      await rejectsWith(storage.appendStep(e.id, step('c'), 2), 'LIMIT_EXCEEDED');
      expect((await storage.getEpisode(e.id))?.steps).toHaveLength(2);
      await storage.completeEpisode(
        e.id,
        { status: 'success', verdict: '', artifacts: [] },
        '2026-11-01T10:01:00.000Z',
        learn,
      );
      await rejectsWith(storage.appendStep(e.id, step('d'), 10), 'EPISODE_COMPLETED');
    });

    it('completes an episode with its learning, once', async () => {
      const e = episode();
      await storage.createEpisode(e);
      await storage.appendStep(e.id, step('grep'), 10);
      await storage.appendStep(e.id, step('edit'), 10);
      const outcome = { status: 'success' as const, verdict: 'fixed', artifacts: ['auth.ts'] };
      const result = await storage.completeEpisode(e.id, outcome, '2026-11-01T10:02:00.000Z', learn);
      const stored = await storage.getEpisode(e.id);
      expect(stored?.outcome).toEqual(outcome);
      expect(stored?.reward?.total).toBe(result.episode.reward.total);
      expect(stored?.patternIds.length).toBeGreaterThan(0);
      expect(await storage.getPatterns(stored?.patternIds ?? [])).toHaveLength(
        stored?.patternIds.length ?? -1,
      );
      await rejectsWith(
        storage.completeEpisode(e.id, outcome, '2026-11-01T10:03:00.000Z', learn),
        'EPISODE_COMPLETED',
      );
      await rejectsWith(
        storage.completeEpisode(nextId(), outcome, '2026-11-01T10:03:00.000Z', learn),
        'NOT_FOUND',
      );
    });

    it('writes nothing of a completion whose learning fails', async () => {
      const e = episode();
      await storage.createEpisode(e);
      await storage.appendStep(e.id, step('grep'), 10);
      const broken: Learn = (ep) => ({
        ...learn(ep),
        finish: () => {
          throw new Error('learning crashed');
        },
      });
      await expect(
        storage.completeEpisode(
          e.id,
          { status: 'success', verdict: '', artifacts: [] },
          '2026-11-01T10:02:00.000Z',
          broken,
        ),
      ).rejects.toThrow('learning crashed');
      const stored = await storage.getEpisode(e.id);
      expect(stored?.outcome).toBeUndefined();
      expect(stored?.endedAt).toBeUndefined();
      expect(await storage.listPatterns({})).toEqual([]);
      expect((await storage.searchEpisodes({ text: 'login', limit: 5 })).length).toBe(0);
    });

    it('merges the same pattern seen in two episodes instead of duplicating it', async () => {
      const results = await storage.importEpisodes(
        [finished({}, ['grep', 'edit', 'test']), finished({}, ['grep', 'edit', 'test'])],
        learn,
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const sequences = await storage.listPatterns({ type: 'tool_sequence' });
      const keys = sequences.map((p) => p.key);
      expect(new Set(keys).size).toBe(keys.length);
      const grepEditTest = sequences.find(
        (p) => p.data.type === 'tool_sequence' && p.data.steps.length === 3,
      );
      expect(grepEditTest?.occurrences).toBe(2);
      expect(grepEditTest?.evidence).toHaveLength(2);
    });

    it('counts which task words went with which tools, by outcome, per domain', async () => {
      const failed = {
        ...finished({ task: 'Deploy the login service' }, ['build', 'deploy']),
        outcome: { status: 'failure' as const, reason: 'rolled back' },
      };
      const results = await storage.importEpisodes(
        [
          finished({ task: 'Deploy the login service' }, ['build', 'deploy']),
          failed,
          finished({ task: 'Deploy billing', context: { ...episode().context, domain: 'ops' } }, ['deploy']),
        ],
        learn,
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const web = await storage.toolCounts({ domain: 'web', features: ['deploy', '*'] });
      const cell = (feature: string, tool: string) =>
        web.find((c) => c.feature === feature && c.tool === tool);
      expect(cell('deploy', 'deploy')).toEqual({
        feature: 'deploy',
        tool: 'deploy',
        successes: 1,
        failures: 1,
      });
      expect(cell('*', '*')).toEqual({ feature: '*', tool: '*', successes: 1, failures: 1 });
      const all = await storage.toolCounts({ features: ['deploy'] });
      expect(all.find((c) => c.tool === 'deploy')?.successes).toBe(2);
      expect(await storage.toolCounts({ features: [] })).toEqual([]);
      const ids = results.flatMap((r) => (r.ok ? [r.episode.id] : []));
      const used = await storage.usedTools([ids[0]!, 'missing']);
      expect(used.get(ids[0]!)).toEqual(['build', 'deploy']);
      expect(used.get('missing')).toEqual([]);
    });

    it('imports a batch, rolling back only the episode that fails', async () => {
      const good = finished({}, ['grep', 'edit']);
      const duplicate = finished({ id: good.id }, ['bash']);
      const other = finished({ task: 'Write the release notes' }, ['write']);
      const results = await storage.importEpisodes([good, duplicate, other], learn);
      expect(results.map((r) => r.ok)).toEqual([true, false, true]);
      const failed = results[1];
      expect(failed?.ok === false && failed.error.code).toBe('CONFLICT');
      expect((await storage.getEpisode(good.id))?.steps.map((s) => s.tool)).toEqual(['grep', 'edit']);
      expect((await storage.stats()).completedEpisodes).toBe(2);
    });

    it('lists with filters, newest first unless told', async () => {
      const a = finished(
        { startedAt: '2026-10-01T00:00:00.000Z', context: { domain: 'web', complexity: 'simple', tags: [] } },
        ['a'],
      );
      const b = finished({ startedAt: '2026-10-02T00:00:00.000Z', taskType: 'testing', tags: ['ci'] }, ['b']);
      const c = episode({
        startedAt: '2026-10-03T00:00:00.000Z',
        context: { domain: 'data', complexity: 'complex', tags: [] },
      });
      await storage.importEpisodes([a, b], learn);
      await storage.createEpisode(c);
      const ids = async (filter: Parameters<StorageBackend['listEpisodes']>[0]) =>
        (await storage.listEpisodes(filter)).map((e) => e.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ order: 'oldest', limit: 2 })).toEqual([a.id, b.id]);
      expect(await ids({ offset: 1, limit: 1 })).toEqual([b.id]);
      expect(await ids({ domain: 'web' })).toEqual([b.id, a.id]);
      expect(await ids({ taskType: 'testing' })).toEqual([b.id]);
      expect(await ids({ tags: ['ci'] })).toEqual([b.id]);
      expect(await ids({ tags: ['auth'] })).toEqual([b.id]);
      expect(await ids({ completed: false })).toEqual([c.id]);
      expect(await ids({ outcome: 'success' })).toEqual([b.id, a.id]);
      expect(await ids({ since: '2026-10-02T00:00:00.000Z', until: '2026-10-02T23:00:00.000Z' })).toEqual([
        b.id,
      ]);
    });

    it('finds completed episodes by their words, best match first, and survives query syntax', async () => {
      const login = finished({ task: 'Fix the failing login test in the auth service' }, ['grep', 'edit']);
      const docs = finished({ task: 'Write documentation for the billing API' }, ['write']);
      await storage.importEpisodes([login, docs], learn);
      const hits = await storage.searchEpisodes({ text: 'login test fails', limit: 5 });
      expect(hits[0]?.id).toBe(login.id);
      expect(hits.some((h) => h.id === docs.id)).toBe(false);
      expect(await storage.searchEpisodes({ text: 'the of and', limit: 5 })).toEqual([]);
      await expect(
        storage.searchEpisodes({ text: 'NOT "quoted" AND - * ( near', limit: 5 }),
      ).resolves.toBeInstanceOf(Array);
      expect(await storage.recentEpisodeIds({ domain: 'web', limit: 5 })).toHaveLength(2);
      expect(await storage.recentEpisodeIds({ domain: 'nowhere', limit: 5 })).toEqual([]);
    });

    it('searches the task alone when asked: what was done does not match', async () => {
      // The tools' names hold the word, the task does not.
      const did = finished({ task: 'Tidy the release notes' }, ['kubernetes_rollout', 'kubernetes_check']);
      const asked = finished({ task: 'Scale the kubernetes deployment' }, ['edit']);
      await storage.importEpisodes([did, asked], learn);
      const all = (await storage.searchEpisodes({ text: 'kubernetes', limit: 5 })).map((h) => h.id);
      expect(all).toContain(did.id);
      const tasks = await storage.searchEpisodes({ text: 'kubernetes', limit: 5, index: 'task' });
      expect(tasks.map((h) => h.id)).toEqual([asked.id]);
      // Completed one by one (not imported) and deleted, an episode comes and goes from the task index too.
      const live = episode({ task: 'Renew the kubernetes certificates' });
      await storage.createEpisode(live);
      expect((await storage.searchEpisodes({ text: 'certificates', limit: 5, index: 'task' })).length).toBe(
        0,
      );
      const outcome = { status: 'success' as const, verdict: 'renewed', artifacts: [] };
      await storage.completeEpisode(live.id, outcome, '2026-11-01T11:00:00.000Z', learn);
      expect(
        (await storage.searchEpisodes({ text: 'certificates', limit: 5, index: 'task' })).map((h) => h.id),
      ).toEqual([live.id]);
      await storage.deleteEpisode(live.id);
      expect(await storage.searchEpisodes({ text: 'certificates', limit: 5, index: 'task' })).toEqual([]);
    });

    it("keeps the namespace's tuning, replaced by the next, and moves the write generation on", async () => {
      expect(await storage.getTuning()).toBeNull();
      const before = await storage.writeGeneration();
      await storage.putTuning('{"version":1,"episodes":40}');
      expect(await storage.getTuning()).toBe('{"version":1,"episodes":40}');
      expect(await storage.writeGeneration()).toBeGreaterThan(before);
      await storage.putTuning('{"version":1,"episodes":60}');
      expect(await storage.getTuning()).toBe('{"version":1,"episodes":60}');
    });

    it('deletes an episode with its steps and its index entry', async () => {
      const e = finished({ task: 'Rotate the database credentials' }, ['vault', 'deploy']);
      await storage.importEpisodes([e], learn);
      expect(await storage.deleteEpisode(e.id)).toBe(true);
      expect(await storage.getEpisode(e.id)).toBeNull();
      expect(await storage.searchEpisodes({ text: 'rotate credentials', limit: 5 })).toEqual([]);
      expect(await storage.searchEpisodes({ text: 'rotate credentials', limit: 5, index: 'task' })).toEqual(
        [],
      );
      expect(await storage.deleteEpisode(e.id)).toBe(false);
      expect((await storage.stats()).steps).toBe(0);
    });

    it('deletes completed episodes in a batch, leaving those in progress, unknown ids and patterns', async () => {
      const a = finished({ task: 'Rotate the database credentials' }, ['vault', 'deploy']);
      const b = finished({ task: 'Rotate the api keys' }, ['vault', 'deploy']);
      const open = episode();
      await storage.importEpisodes([a, b], learn);
      await storage.createEpisode(open);
      const patterns = await storage.listPatterns({});
      const generation = await storage.writeGeneration();
      expect(await storage.deleteCompletedEpisodes([a.id, open.id, nextId(), b.id])).toEqual([a.id, b.id]);
      expect((await storage.listEpisodes({})).map((e) => e.id)).toEqual([open.id]);
      expect(await storage.searchEpisodes({ text: 'rotate', limit: 5 })).toEqual([]);
      expect(await storage.listPatterns({})).toEqual(patterns);
      expect(await storage.writeGeneration()).toBeGreaterThan(generation);
      expect(await storage.deleteCompletedEpisodes([a.id])).toEqual([]);
    });

    it('returns episodes in the order asked, skipping missing ones, with steps only on request', async () => {
      const a = finished({}, ['a']);
      const b = finished({}, ['b', 'c']);
      await storage.importEpisodes([a, b], learn);
      const got = await storage.getEpisodes([b.id, nextId(), a.id]);
      expect(got.map((e) => e.id)).toEqual([b.id, a.id]);
      expect(got[0]?.steps).toEqual([]);
      expect((await storage.getEpisodes([b.id], { steps: true }))[0]?.steps).toHaveLength(2);
    });

    it('keeps heuristics and counts everything in stats', async () => {
      // A check step followed by more steps makes a check_result rule.
      await storage.importEpisodes(
        [finished({}, ['grep', 'test', 'edit']), finished({}, ['grep', 'test', 'edit'])],
        learn,
      );
      const heuristics = await storage.listHeuristics({});
      expect(heuristics.length).toBeGreaterThan(0);
      expect(await storage.getHeuristics(heuristics.map((h) => h.id))).toHaveLength(heuristics.length);
      expect(await storage.listHeuristics({ offset: heuristics.length })).toEqual([]);
      const stats = await storage.stats();
      expect(stats).toMatchObject({
        episodes: 2,
        completedEpisodes: 2,
        steps: 6,
        heuristics: heuristics.length,
      });
      expect(stats.byOutcome.success).toBe(2);
      expect(stats.byDomain.web).toBe(2);
      expect(stats.averageReward).toBeGreaterThan(0);
    });

    it('pages heuristics in the order of the whole list', async () => {
      await storage.importEpisodes(
        [
          finished({}, ['grep', 'test', 'edit']),
          finished({}, ['grep', 'test', 'edit']),
          finished({}, ['read', 'lint', 'fix']),
          finished({}, ['read', 'lint', 'fix']),
        ],
        learn,
      );
      const all = await storage.listHeuristics({});
      expect(all.length).toBeGreaterThan(1);
      expect(await storage.listHeuristics({ limit: 1, offset: 1 })).toEqual(all.slice(1, 2));
      expect(await storage.listHeuristics({ offset: all.length })).toEqual([]);
    });

    it('searches vectors of one provider by cosine similarity and reports what is stale', async () => {
      const [a, b, c] = [finished({}, ['a']), finished({}, ['b']), finished({}, ['c'])];
      await storage.importEpisodes([a, b, c], learn);
      const v = (...xs: number[]) => Float32Array.from(xs);
      const generation = await storage.writeGeneration();
      await storage.putVectors([
        { kind: 'episode', id: a.id, provider: 'p1', textHash: 'ha', vector: v(1, 0, 0) },
        { kind: 'episode', id: b.id, provider: 'p1', textHash: 'hb', vector: v(0.8, 0.6, 0) },
        { kind: 'episode', id: c.id, provider: 'p2', textHash: 'hc', vector: v(1, 0, 0) },
      ]);
      expect(await storage.writeGeneration()).toBeGreaterThan(generation);
      const hits = await storage.searchVectors({
        kind: 'episode',
        provider: 'p1',
        vector: v(1, 0, 0),
        limit: 5,
      });
      expect(hits.map((h) => h.id)).toEqual([a.id, b.id]);
      expect(hits[0]?.score).toBeCloseTo(1);
      expect(hits[1]?.score).toBeCloseTo(0.8);
      const got = await storage.getVectors({ kind: 'episode', provider: 'p1', ids: [b.id, c.id] });
      expect([...got.keys()]).toEqual([b.id]);
      expect([...(got.get(b.id) ?? [])].map((x) => Math.round(x * 10) / 10)).toEqual([0.8, 0.6, 0]);
      expect(await storage.staleVectorIds({ kind: 'episode', provider: 'p1', limit: 10 })).toEqual([c.id]);
      expect((await storage.countVectors('p1')).staleEpisodes).toBe(1);
      expect(await storage.deleteEpisode(a.id)).toBe(true);
      expect(
        (await storage.searchVectors({ kind: 'episode', provider: 'p1', vector: v(1, 0, 0), limit: 5 })).map(
          (h) => h.id,
        ),
      ).toEqual([b.id]);
    });

    it('caches embeddings by provider and text hash', async () => {
      await storage.putCachedEmbeddings('p1', new Map([['h1', Float32Array.from([0.5, 0.5])]]));
      const got = await storage.getCachedEmbeddings('p1', ['h1', 'h2']);
      expect([...got.keys()]).toEqual(['h1']);
      expect([...(got.get('h1') ?? [])]).toEqual([0.5, 0.5]);
      expect((await storage.getCachedEmbeddings('p2', ['h1'])).size).toBe(0);
    });

    it('finds patterns by the words of their description', async () => {
      await storage.importEpisodes(
        [finished({}, ['checkout', 'deploy']), finished({}, ['lint', 'format'])],
        learn,
      );
      const hits = await storage.searchPatterns({ text: 'deploy', limit: 10 });
      const found = await storage.getPatterns(hits.map((h) => h.id));
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((p) => p.description.includes('deploy') || p.key.includes('deploy'))).toBe(true);
      expect(await storage.staleVectorIds({ kind: 'pattern', provider: 'p1', limit: 100 })).toHaveLength(
        (await storage.stats()).patterns,
      );
    });

    describe('feedback, checkpoints, tags and links', () => {
      const at = '2026-11-02T10:00:00.000Z';
      const feedback = (patternIds: string[], overrides: Partial<Feedback> = {}): Feedback => ({
        id: nextId(),
        patternIds,
        playbookSteps: [],
        success: true,
        at,
        ...overrides,
      });
      const link = (from: string, to: string, type: 'follows' | 'related_to' = 'follows') => ({
        from,
        to,
        type,
        createdAt: at,
      });

      it('applies feedback to every named pattern and keeps the feedback, moving the generation', async () => {
        const e = finished({}, ['grep', 'edit']);
        await storage.importEpisodes([e], learn);
        const [p] = await storage.listPatterns({ type: 'tool_sequence' });
        const generation = await storage.writeGeneration();
        const updated = await storage.recordFeedback(
          feedback([p!.id], { episodeId: e.id, note: 'worked' }),
          (x) => applyFeedback(x, true),
        );
        expect(updated[0]).toMatchObject({ feedbackApplied: 1, feedbackHelped: 1 });
        expect((await storage.getPattern(p!.id))?.effectiveness).toBeCloseTo(2 / 3);
        expect(await storage.writeGeneration()).toBeGreaterThan(generation);
        const [stored] = await storage.listFeedback({ limit: 5 });
        expect(stored).toMatchObject({ episodeId: e.id, patternIds: [p!.id], success: true, note: 'worked' });
      });

      it('writes nothing of feedback naming an unknown pattern or episode', async () => {
        await storage.importEpisodes([finished({}, ['grep', 'edit'])], learn);
        const [p] = await storage.listPatterns({ type: 'tool_sequence' });
        const apply = (x: Parameters<typeof applyFeedback>[0]) => applyFeedback(x, false);
        await rejectsWith(storage.recordFeedback(feedback([p!.id, 'pat_missing']), apply), 'NOT_FOUND');
        await rejectsWith(
          storage.recordFeedback(feedback([p!.id], { episodeId: nextId() }), apply),
          'NOT_FOUND',
        );
        expect((await storage.getPattern(p!.id))?.feedbackApplied).toBe(0);
        expect(await storage.listFeedback({ limit: 5 })).toEqual([]);
      });

      it('checkpoints episodes in progress only, counting their steps', async () => {
        const e = episode();
        await storage.createEpisode(e);
        await storage.appendStep(e.id, step('grep'), 10);
        const c = await storage.addCheckpoint({
          id: nextId(),
          episodeId: e.id,
          at,
          note: 'half',
          progress: 0.5,
        });
        expect(c.stepCount).toBe(1);
        expect(await storage.listCheckpoints(e.id)).toEqual([c]);
        await rejectsWith(
          storage.addCheckpoint({ id: nextId(), episodeId: nextId(), at, note: 'x' }),
          'NOT_FOUND',
        );
        await storage.completeEpisode(e.id, { status: 'success', verdict: '', artifacts: [] }, at, learn);
        await rejectsWith(
          storage.addCheckpoint({ id: nextId(), episodeId: e.id, at, note: 'late' }),
          'EPISODE_COMPLETED',
        );
      });

      it('adds and removes tags, keeping the tag filter current', async () => {
        const e = episode({ tags: ['backend'] });
        await storage.createEpisode(e);
        const added = await storage.updateTags(e.id, { add: ['flaky', 'backend'], remove: [] });
        expect(added.tags).toEqual(['backend', 'flaky']);
        expect((await storage.listEpisodes({ tags: ['flaky'] })).map((x) => x.id)).toEqual([e.id]);
        const removed = await storage.updateTags(e.id, { add: [], remove: ['flaky', 'auth'] });
        expect(removed.tags).toEqual(['backend']);
        expect(await storage.listEpisodes({ tags: ['flaky'] })).toEqual([]);
        // 'auth' is a context tag: the filter still finds it.
        expect(await storage.listEpisodes({ tags: ['auth'] })).toHaveLength(1);
        await rejectsWith(storage.updateTags(nextId(), { add: ['x'], remove: [] }), 'NOT_FOUND');
      });

      it('links episodes both ways, refusing duplicates, missing episodes and self links', async () => {
        const [a, b] = [episode(), episode()];
        for (const e of [a, b]) await storage.createEpisode(e);
        await storage.addLink({ ...link(b.id, a.id), note: 'next day' });
        await storage.addLink(link(a.id, b.id, 'related_to'));
        expect(await storage.listLinks(a.id)).toHaveLength(2);
        expect((await storage.listLinks(b.id))[0]).toMatchObject({ from: b.id, to: a.id, note: 'next day' });
        await rejectsWith(storage.addLink(link(b.id, a.id)), 'CONFLICT');
        await rejectsWith(storage.addLink(link(a.id, nextId())), 'NOT_FOUND');
        await rejectsWith(storage.addLink(link(a.id, a.id)), 'INVALID_INPUT');
        expect(await storage.removeLink({ from: a.id, to: b.id, type: 'related_to' })).toBe(true);
        expect(await storage.removeLink({ from: a.id, to: b.id, type: 'related_to' })).toBe(false);
        await rejectsWith(storage.listLinks(nextId()), 'NOT_FOUND');
      });

      it('refuses a link of an ordered type that closes a cycle, naming it', async () => {
        const [a, b, c] = [episode(), episode(), episode()];
        for (const e of [a, b, c]) await storage.createEpisode(e);
        await storage.addLink(link(a.id, b.id));
        await storage.addLink(link(b.id, c.id));
        const error = await storage.addLink(link(c.id, a.id)).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'CONFLICT' });
        expect((error as Error).message).toContain(`${c.id} → ${a.id} → ${b.id} → ${c.id}`);
        // Other types form their own graph, and unordered types may go both ways.
        await storage.addLink(link(c.id, a.id, 'related_to'));
        expect(await storage.listLinks(c.id)).toHaveLength(2);
      });

      it('deletes links and checkpoints with their episode', async () => {
        const [a, b] = [episode(), episode()];
        for (const e of [a, b]) await storage.createEpisode(e);
        await storage.addLink(link(a.id, b.id));
        await storage.addCheckpoint({ id: nextId(), episodeId: a.id, at, note: 'n' });
        expect(await storage.deleteEpisode(a.id)).toBe(true);
        expect(await storage.listLinks(b.id)).toEqual([]);
        await storage.createEpisode({ ...a });
        expect(await storage.listCheckpoints(a.id)).toEqual([]);
      });
    });

    if (reopen) {
      it('lets another connection continue an episode this one started', async () => {
        const e = episode();
        await storage.createEpisode(e);
        await storage.appendStep(e.id, step('grep'), 10);
        const other = await reopen(storage);
        try {
          const s = await other.appendStep(e.id, step('edit'), 10);
          expect(s.seq).toBe(2);
          await other.completeEpisode(
            e.id,
            { status: 'success', verdict: '', artifacts: [] },
            '2026-11-01T11:00:00.000Z',
            learn,
          );
        } finally {
          await other.close();
        }
        const stored = await storage.getEpisode(e.id);
        expect(stored?.steps.map((s) => s.tool)).toEqual(['grep', 'edit']);
        expect(stored?.outcome?.status).toBe('success');
      });
    }
  });
}
