import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfLearningMemory } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dist = resolve('dist/index.js');

describe('durability', () => {
  it('keeps every acknowledged step when the process is killed', async () => {
    const db = join(dir, 'crash.db');
    // The child logs 40 steps, prints the id, then dies with SIGKILL: no close, no checkpoint, no exit handlers.
    const script = `
      const { SelfLearningMemory } = await import(${JSON.stringify(dist)});
      const memory = await SelfLearningMemory.open({ db: ${JSON.stringify(db)}, embeddings: false });
      const e = await memory.startEpisode({ task: 'crash test' });
      for (let i = 0; i < 40; i++) await memory.logStep(e.id, { tool: 'step' + i, action: 'work' });
      process.stdout.write(e.id + '\\n', () => process.kill(process.pid, 'SIGKILL'));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const id = child.stdout.trim();
    const memory = await SelfLearningMemory.open({ db, embeddings: false });
    try {
      const episode = await memory.getEpisode(id);
      expect(episode.steps).toHaveLength(40);
      expect(episode.steps.at(-1)?.tool).toBe('step39');
      const { episode: done } = await memory.completeEpisode(id, { status: 'success' });
      expect(done.steps).toHaveLength(40);
    } finally {
      await memory.close();
    }
  });
});
