import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfLearningMemory } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-tool-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (task: string, tool: string) => ({
  task,
  context: { domain: 'shop' },
  steps: [{ tool, action: 'do it' }],
  outcome: { status: 'success' },
});

const toolsFor = async (memory: SelfLearningMemory, task: string) =>
  (await memory.retrieve({ task, context: { domain: 'shop' } })).toolModel.map((p) => p.tool);

describe('tool counts read between writes', () => {
  it('come from the store again after a write by this process or another one', async () => {
    const path = join(dir, 'counts.db');
    const reader = await SelfLearningMemory.open({
      db: path,
      embeddings: false,
      queryCache: false,
      log: () => {},
    });
    const writer = await SelfLearningMemory.open({
      db: path,
      embeddings: false,
      queryCache: false,
      log: () => {},
    });
    try {
      await reader.importEpisodes(
        Array.from({ length: 6 }, (_, i) => record(`refund the kettle ${i}`, 'refund_tool')),
        { embed: false },
      );
      expect(await toolsFor(reader, 'refund the kettle')).toContain('refund_tool');
      expect(await toolsFor(reader, 'refund the kettle')).not.toContain('exchange_tool');

      // Another process (connection) teaches the same words a new tool: the reader's next retrieval sees it.
      await writer.importEpisodes(
        Array.from({ length: 30 }, (_, i) => record(`refund the kettle again ${i}`, 'exchange_tool')),
        { embed: false },
      );
      expect(await toolsFor(reader, 'refund the kettle')).toContain('exchange_tool');

      // And a completion through the reader itself.
      const { id } = await reader.startEpisode({
        task: 'refund the kettle once more',
        context: { domain: 'shop' },
      });
      for (let i = 0; i < 3; i++) await reader.logStep(id, { tool: 'ledger_tool', action: 'write' });
      await reader.completeEpisode(id, { status: 'success', verdict: 'done' });
      const after = await reader.retrieve({ task: 'refund the kettle', context: { domain: 'shop' } });
      expect(after.toolModel.length).toBeGreaterThan(0);
      const before = await writer.retrieve({ task: 'refund the kettle', context: { domain: 'shop' } });
      expect(after.toolModel).toEqual(before.toolModel);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});
