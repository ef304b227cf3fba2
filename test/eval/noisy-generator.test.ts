import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFigures } from '../../eval/noisy/figures.js';
import { generateRuns } from '../../eval/noisy/generate.js';
import { toRecords } from '../../eval/noisy/records.js';
import { goldWrites, loadTau2Banking, loadTau2Retail, type NoisyTask } from '../../eval/noisy/tau2-tasks.js';
import { EpisodeRecordSchema } from '../../src/index.js';

const datasets = new URL('../../../shared/datasets/', import.meta.url);
const present = existsSync(fileURLToPath(new URL('tau2-retail/tasks.json', datasets)));

describe.skipIf(!present)('noisy run generator on tau2', async () => {
  const retail = present ? await loadTau2Retail(new URL('tau2-retail/tasks.json', datasets)) : [];
  const banking = present ? await loadTau2Banking(new URL('tau2-banking/tasks.json', datasets)) : [];

  it('loads both datasets with their splits', () => {
    expect(retail).toHaveLength(114);
    expect(retail.filter((t) => t.split === 'train')).toHaveLength(74);
    expect(banking).toHaveLength(97);
    const train = banking.filter((t) => t.split === 'train').length;
    expect(train / banking.length).toBeGreaterThan(0.55);
    expect(train / banking.length).toBeLessThan(0.75);
  });

  it('names discoverable calls by their target and keeps unlocks as preparation', () => {
    const steps = banking.flatMap((t) => t.steps);
    expect(steps.some((s) => s.tool === 'call_discoverable_agent_tool')).toBe(false);
    expect(steps.find((s) => s.tool === 'update_transaction_rewards_3847')).toMatchObject({ kind: 'write' });
    expect(steps.find((s) => s.tool === 'unlock_discoverable_agent_tool')).toMatchObject({ kind: 'prep' });
    expect(steps.find((s) => s.tool === 'log_verification')).toMatchObject({ kind: 'prep' });
  });

  it('gives banking tasks short queries', () => {
    for (const task of banking) expect(task.query.split(/\s+/).length).toBeLessThanOrEqual(25);
    expect(banking.every((t) => t.query.length > 0)).toBe(true);
  });

  it('is deterministic for a seed and changes with it', () => {
    expect(generateRuns(retail, 7)).toEqual(generateRuns(retail, 7));
    expect(JSON.stringify(generateRuns(retail, 8))).not.toEqual(JSON.stringify(generateRuns(retail, 7)));
    const records = toRecords(generateRuns(retail, 7), 7).map((r) => r.record);
    expect(toRecords(generateRuns(retail, 7), 7).map((r) => r.record)).toEqual(records);
  });

  it('realises rates within bands of the real figures', () => {
    for (const tasks of [retail, banking]) {
      const f = runFigures(generateRuns(tasks, 7));
      expect(f.failureRate).toBeGreaterThan(0.4);
      expect(f.failureRate).toBeLessThan(0.6);
      expect(f.errorShare).toBeGreaterThan(0.03);
      expect(f.errorShare).toBeLessThan(0.1);
      expect(f.handoffRunShare).toBeGreaterThan(0.15);
      expect(f.handoffRunShare).toBeLessThan(0.35);
      expect(f.lookupShare).toBeGreaterThan(0.5);
      expect(f.lookupShare).toBeLessThan(0.75);
      expect(f.writeShare).toBeGreaterThan(0.15);
      expect(f.writeShare).toBeLessThan(0.35);
      expect(f.exactWritesOfSuccesses).toBeGreaterThan(0.35);
      expect(f.exactWritesOfSuccesses).toBeLessThan(0.7);
    }
    const retailCalls = runFigures(generateRuns(retail, 7));
    expect(retailCalls.callsMedian).toBeGreaterThanOrEqual(4);
    expect(retailCalls.callsMedian).toBeLessThanOrEqual(7);
  });

  it('keeps the gold writes in successes and breaks them in failures', () => {
    const runs = generateRuns(retail, 7);
    const writes = (steps: NoisyTask['steps']) =>
      steps.filter((s) => s.kind === 'write' && !('error' in s && s.error)).map((s) => s.tool);
    for (const run of runs) {
      const same = JSON.stringify(writes(run.steps).sort()) === JSON.stringify(goldWrites(run.task).sort());
      if (run.success) expect(same).toBe(true);
      else if (run.kind !== 'handoff' && run.kind !== 'gave-up') expect(same).toBe(false);
      if (!run.success) expect(run.reason).not.toBe('');
    }
  });

  it('writes valid import records in increasing time order', () => {
    const records = toRecords(generateRuns(banking, 7), 7).map((r) => r.record);
    for (const record of records) expect(EpisodeRecordSchema.safeParse(record).success).toBe(true);
    const starts = records.map((r) => r.startedAt);
    expect([...starts].sort()).toEqual(starts);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });
});
