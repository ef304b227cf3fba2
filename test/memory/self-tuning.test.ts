import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/index.js';
import { loadTauRetail, tauTaskToRecord } from '../../src/datasets/index.js';
import { DEFAULT_PLAYBOOK_SETTINGS } from '../../src/learning/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { applyTuning, parseTuning, type TuningRecord } from '../../src/memory/tuning.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../../src/retrieval/index.js';
import { dropSchemas, testBackends } from '../backends.js';

afterAll(dropSchemas);

const open = (db: string, tuning: boolean | 'manual' = 'manual') =>
  SelfLearningMemory.open({
    db,
    embeddings: { provider: 'hash' },
    tuning,
    clock: fixedClock(Date.UTC(2026, 1, 1)),
  });

describe.each(testBackends())('self-tuning on $name', ({ db }) => {
  it('keeps the defaults on a thin history, and says so', async () => {
    const memory = await open(db());
    try {
      const tasks = (await loadTauRetail()).filter((t) => t.split === 'train').slice(0, 12);
      await memory.importEpisodes(tasks.map((t, i) => tauTaskToRecord(t, i)));
      const record = await memory.tune();
      expect(record).toMatchObject({ retrieval: null, playbook: null, calibration: null });
      expect(record?.note).toMatch(/defaults kept: \d+ successful episodes have a like one, 30 are needed/);
      expect((await memory.stats()).tuning).toEqual(record);
    } finally {
      await memory.close();
    }
  });

  it('chooses from its own history, and every memory of the store applies the choice; tuning: false ignores it', async () => {
    const store = db();
    const memory = await open(store);
    try {
      const tasks = (await loadTauRetail()).filter((t) => t.split === 'train').slice(0, 200);
      await memory.importEpisodes(tasks.map((t, i) => tauTaskToRecord(t, i)));
      await memory.flush();
      expect((await memory.stats()).tuning).toBeNull();
      const record = (await memory.tune()) as TuningRecord;
      expect(record.queries).toBeGreaterThanOrEqual(30);
      expect(record.episodes).toBeGreaterThanOrEqual(record.queries);
      expect(record.retrieval?.score).toBeGreaterThanOrEqual(record.retrieval?.baseline ?? 0);
      expect(record.playbook?.score).toBeGreaterThanOrEqual(record.playbook?.baseline ?? 0);
      expect(record.calibration?.points).toBe(record.queries);
      expect(record.note).toMatch(/^from \d+ successful episodes/);
      const other = await open(store);
      const off = await open(store, false);
      try {
        expect((await other.stats()).tuning).toEqual(record);
        expect((await off.stats()).tuning).toBeNull();
        // The calibrated confidence is one the history saw: within the range of its knots.
        const plan = await other.playbook({
          task: tasks[3]?.instruction ?? '',
          context: { domain: 'retail' },
        });
        const rates = (record.calibration?.knots ?? []).map(([, y]) => y);
        if (plan.steps.length > 0) {
          expect(plan.confidence).toBeGreaterThanOrEqual(Math.min(...rates) - 1e-9);
          expect(plan.confidence).toBeLessThanOrEqual(Math.max(...rates) + 1e-9);
        }
      } finally {
        await Promise.all([other.close(), off.close()]);
      }
    } finally {
      await memory.close();
    }
  }, 60_000);
});

describe('applying a tuning', () => {
  const record: TuningRecord = {
    version: 1,
    at: '2026-02-01T00:00:00.000Z',
    episodes: 120,
    queries: 90,
    retrieval: {
      textIndex: 'task',
      listWeights: 'decisive',
      lexicalWeight: 2,
      vectorWeight: 1,
      score: 0.6,
      baseline: 0.5,
    },
    playbook: { scaleToEvidence: true, minShare: 0.1, minSuccesses: 10, score: 0.5, baseline: 0.4 },
    calibration: {
      knots: [
        [0.2, 0.3],
        [0.8, 0.6],
      ],
      points: 90,
    },
    note: 'from 120 successful episodes',
  };
  const base = { retrieval: DEFAULT_RETRIEVAL_SETTINGS, playbook: { ...DEFAULT_PLAYBOOK_SETTINGS } };

  it("takes the tuning's choices where the options say nothing, and never what the caller set", () => {
    const effective = applyTuning(
      base,
      { retrieval: new Set(['textIndex']), playbook: new Set(['minShare']) },
      record,
    );
    expect(effective.retrieval).toMatchObject({
      textIndex: 'all',
      listWeights: 'decisive',
      lexicalWeight: 2,
    });
    expect(effective.playbook).toMatchObject({ minShare: 0.15, minSuccesses: 10, scaleToEvidence: true });
    expect(effective.retrieval).not.toHaveProperty('score');
    expect(effective.calibration?.points).toBe(90);
    expect(applyTuning(base, { retrieval: new Set(), playbook: new Set() }, null).retrieval).toEqual(
      DEFAULT_RETRIEVAL_SETTINGS,
    );
  });

  it('reads back what it stored, and treats anything else as no tuning', () => {
    expect(parseTuning(JSON.stringify(record))).toEqual(record);
    expect(parseTuning(null)).toBeNull();
    expect(parseTuning('{not json')).toBeNull();
    expect(parseTuning(JSON.stringify({ ...record, version: 2 }))).toBeNull();
  });
});
