import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Episode, Learn, Outcome, Pattern } from '../../src/core/index.js';
import { planLearning } from '../../src/learning/index.js';
import type { StorageBackend } from '../../src/storage/index.js';

const learn: Learn = (episode) => planLearning(episode);

type Fixtures = {
  finished: (base: Partial<Episode>, tools: string[]) => Episode;
  episode: (overrides?: Partial<Episode>) => Episode;
};

const OUTCOMES: Record<Outcome['status'], Outcome> = {
  success: { status: 'success', verdict: 'done', artifacts: [] },
  partial: { status: 'partial', verdict: 'half', completed: [], failed: [] },
  failure: { status: 'failure', reason: 'broke' },
  abstained: { status: 'abstained', reason: 'cannot', infeasibilitySignals: [] },
};

/**
 * The reads the HTTP API and the web page need (issue 12): the episode text filter, the pattern sorts and
 * progress over time, on every backend. Called by `runStorageContract` with its fixtures.
 */
export function runReadsContract(name: string, make: () => Promise<StorageBackend>, f: Fixtures): void {
  /** A finished episode that ended at `endedAt` with `status`. */
  const ended = (endedAt: string, status: Outcome['status'], base: Partial<Episode> = {}): Episode => ({
    ...f.finished({ startedAt: endedAt, ...base }, ['grep', 'edit']),
    outcome: OUTCOMES[status],
    endedAt,
  });

  describe(`storage reads for the web page: ${name}`, () => {
    let storage: StorageBackend;
    beforeEach(async () => {
      storage = await make();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('filters episodes by text: every word, any case, stemmed (in progress: in the task), with the other filters and paging', async () => {
      const web = { domain: 'web', complexity: 'simple' as const, tags: [] };
      const a = f.finished(
        { task: 'Fix the LOGIN redirect bug', startedAt: '2026-10-01T00:00:00.000Z', context: web },
        ['a'],
      );
      const b = f.finished(
        { task: 'Login page tests are failing', startedAt: '2026-10-02T00:00:00.000Z', tags: ['ci'] },
        ['b'],
      );
      const c = f.finished(
        {
          task: 'Fix login for the data export',
          startedAt: '2026-10-03T00:00:00.000Z',
          context: { ...web, domain: 'data' },
        },
        ['c'],
      );
      const failed = {
        ...f.finished({ task: 'Fix login timeout', startedAt: '2026-10-04T00:00:00.000Z' }, ['d']),
        outcome: OUTCOMES.failure,
      };
      const running = f.episode({ task: 'Fix login in progress', startedAt: '2026-10-05T00:00:00.000Z' });
      // Not in the full-text index until they complete: their tasks are matched word by word, `_` literally.
      const other = f.episode({ task: 'Rename snakeXcase helper', startedAt: '2026-10-06T00:00:00.000Z' });
      const snake = f.episode({ task: 'Rename SNAKE_CASE helper', startedAt: '2026-10-07T00:00:00.000Z' });
      await storage.importEpisodes([a, b, c, failed], learn);
      for (const e of [running, other, snake]) await storage.createEpisode(e);
      const ids = async (filter: Parameters<StorageBackend['listEpisodes']>[0]) =>
        (await storage.listEpisodes(filter)).map((e) => e.id);
      expect(await ids({ text: 'login' })).toEqual([running.id, failed.id, c.id, b.id, a.id]);
      expect(await ids({ text: 'fix LOGIN' })).toEqual([running.id, failed.id, c.id, a.id]);
      expect(await ids({ text: 'login', completed: true })).toEqual([failed.id, c.id, b.id, a.id]);
      expect(await ids({ text: 'login', completed: false })).toEqual([running.id]);
      expect(await ids({ text: 'snake_case' })).toEqual([snake.id]);
      expect(await ids({ text: 'HELPER rename' })).toEqual([snake.id, other.id]);
      expect(await ids({ text: 'login test' })).toEqual([b.id]); // "tests" is stemmed to "test"
      expect(await ids({ text: 'login nowhere' })).toEqual([]);
      expect(await ids({ text: 'fix login', domain: 'web' })).toEqual([running.id, failed.id, a.id]);
      expect(await ids({ text: 'login', outcome: 'failure' })).toEqual([failed.id]);
      expect(await ids({ text: 'login', tags: ['ci'] })).toEqual([b.id]);
      expect(await ids({ text: 'login', order: 'oldest', offset: 1, limit: 2 })).toEqual([b.id, c.id]);
      expect(await ids({ text: 'NOT "login" AND * ( -fix' })).toEqual([running.id, failed.id, c.id, a.id]);
      expect(await ids({ text: '!!! ...' })).toEqual([]);
    });

    it('sorts patterns by occurrences, effectiveness, feedback that helped, or last seen', async () => {
      await storage.importEpisodes([f.finished({}, ['grep', 'edit'])], learn);
      const [template] = await storage.listPatterns({ limit: 1 });
      const pattern = (id: string, o: Partial<Pattern>): Pattern => ({
        ...template!,
        id,
        key: `sort-test-${id}`,
        description: `sort test ${id}`,
        ...o,
      });
      const patterns = [
        pattern('p1', {
          occurrences: 9,
          successRate: 0.5,
          effectiveness: 0.5,
          feedbackHelped: 0,
          lastSeen: '2026-11-01T00:00:00.000Z',
        }),
        pattern('p2', {
          occurrences: 2,
          successRate: 1,
          effectiveness: 0.9,
          feedbackHelped: 3,
          lastSeen: '2026-11-03T00:00:00.000Z',
        }),
        pattern('p3', {
          occurrences: 5,
          successRate: 1,
          effectiveness: 0.9,
          feedbackHelped: 1,
          lastSeen: '2026-11-02T00:00:00.000Z',
        }),
        pattern('p4', {
          occurrences: 5,
          successRate: 0.8,
          effectiveness: 0.2,
          feedbackHelped: 3,
          lastSeen: '2026-11-02T00:00:00.000Z',
        }),
      ];
      await storage.load({ patterns });
      const ids = async (sort?: 'occurrences' | 'effectiveness' | 'helped' | 'recent') =>
        (await storage.listPatterns({ sort, limit: 100 })).map((p) => p.id).filter((id) => /^p\d$/.test(id));
      expect(await ids()).toEqual(['p1', 'p3', 'p4', 'p2']);
      expect(await ids('occurrences')).toEqual(['p1', 'p3', 'p4', 'p2']);
      expect(await ids('effectiveness')).toEqual(['p3', 'p2', 'p1', 'p4']);
      expect(await ids('helped')).toEqual(['p2', 'p4', 'p3', 'p1']);
      expect(await ids('recent')).toEqual(['p2', 'p3', 'p4', 'p1']);
      const page = await storage.listPatterns({ sort: 'helped', limit: 1, offset: 1 });
      expect(page.map((p) => p.id)).toEqual(['p4']);
    });

    it('counts completed episodes per domain and UTC day, Monday week or month, with their mean reward', async () => {
      const data = { domain: 'data', complexity: 'simple' as const, tags: [] };
      const episodes = [
        ended('2026-11-01T23:59:59.999Z', 'success'), // Sunday: week of Monday 26 October
        ended('2026-11-02T00:00:00.000Z', 'failure'), // Monday: a new day and week, same month
        ended('2026-11-02T12:00:00.000Z', 'partial'),
        ended('2026-10-31T23:59:59.999Z', 'abstained'), // Saturday, the month before
        ended('2026-11-02T08:00:00.000Z', 'success', { context: data }),
      ];
      await storage.importEpisodes(episodes, learn);
      await storage.createEpisode(f.episode({ startedAt: '2026-11-02T09:00:00.000Z' })); // in progress: not counted
      const stored = await storage.getEpisodes(episodes.map((e) => e.id));
      const mean = (...i: number[]) =>
        Math.round((i.reduce((s, k) => s + stored[k]!.reward!.total, 0) / i.length) * 10_000) / 10_000;
      const point = (domain: string, start: string, counts: number[], reward: number) => ({
        domain,
        start,
        completed: counts.reduce((a, b) => a + b, 0),
        successes: counts[0],
        partials: counts[1],
        failures: counts[2],
        abstained: counts[3],
        meanReward: expect.closeTo(reward, 4),
      });

      const day = await storage.progress({ bucket: 'day' });
      expect(day.bucket).toBe('day');
      expect(day.series).toEqual([
        point('data', '2026-11-02', [1, 0, 0, 0], mean(4)),
        point('web', '2026-10-31', [0, 0, 0, 1], mean(3)),
        point('web', '2026-11-01', [1, 0, 0, 0], mean(0)),
        point('web', '2026-11-02', [0, 1, 1, 0], mean(1, 2)),
      ]);
      expect((await storage.progress({ bucket: 'week' })).series).toEqual([
        point('data', '2026-11-02', [1, 0, 0, 0], mean(4)),
        point('web', '2026-10-26', [1, 0, 0, 1], mean(0, 3)),
        point('web', '2026-11-02', [0, 1, 1, 0], mean(1, 2)),
      ]);
      expect((await storage.progress({ bucket: 'month', domain: 'web' })).series).toEqual([
        point('web', '2026-10-01', [0, 0, 0, 1], mean(3)),
        point('web', '2026-11-01', [1, 1, 1, 0], mean(0, 1, 2)),
      ]);
      const bounded = await storage.progress({
        bucket: 'month',
        since: '2026-11-01T23:59:59.999Z',
        until: '2026-11-02T00:00:00.000Z',
      });
      expect(bounded.series).toEqual([point('web', '2026-11-01', [1, 0, 1, 0], mean(0, 1))]);
      expect((await storage.progress({ bucket: 'day', domain: 'nowhere' })).series).toEqual([]);
    });
  });
}
