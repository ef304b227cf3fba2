import { describe, expect, it } from 'vitest';
import { EpisodeRecordSchema } from '../../src/core/index.js';
import { loadTauRetail, tauTaskToRecord, usesOnlyOrderActions } from '../../src/datasets/index.js';

describe('tau-retail dataset', () => {
  it('loads 635 tasks in three splits', async () => {
    const tasks = await loadTauRetail();
    expect(tasks).toHaveLength(635);
    expect(tasks.filter((t) => t.split === 'train')).toHaveLength(500);
    expect(tasks.filter((t) => t.split === 'test' && usesOnlyOrderActions(t))).toHaveLength(41);
  });

  it('turns a task into a valid, deterministic import record', async () => {
    const [task] = await loadTauRetail();
    const record = tauTaskToRecord(task!, 3);
    expect(EpisodeRecordSchema.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({
      task: task!.instruction,
      context: { domain: 'retail', complexity: 'simple', tags: ['customer-service'] },
      tags: ['tau-bench', 'split:train'],
      metadata: { source: 'tau-bench retail', userId: 'omar_anderson_3203', split: 'train' },
      startedAt: '2026-01-01T03:00:00.000Z',
    });
    expect(record.steps?.[0]).toMatchObject({
      tool: 'return_delivered_order_items',
      action: 'order #W6067464, 2 items',
      success: true,
      latencyMs: 420,
    });
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tauTaskToRecord(task!, 3).id).toBe(record.id);
    expect(tauTaskToRecord(task!, 4).id).not.toBe(record.id);
  });
});
