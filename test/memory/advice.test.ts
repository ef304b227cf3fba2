import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EpisodeRecord, fixedClock, SelfLearningMemory } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-advice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A finished customer-service run: look-ups, then the writes, and how it ended. */
function run(task: string, tools: string[], success: boolean, hour: number): EpisodeRecord {
  return {
    task,
    context: { domain: 'support' },
    steps: tools.map((tool) => ({ tool, params: { order_id: `#W${1000000 + hour}` } })),
    outcome: success ? { status: 'success' } : { status: 'failure', reason: 'transferred to a human' },
    startedAt: new Date(Date.UTC(2026, 0, 1, hour)).toISOString(),
  };
}

describe('advice from noisy runs', () => {
  let memory: SelfLearningMemory;
  beforeEach(async () => {
    memory = await SelfLearningMemory.open({
      db: join(dir, `m-${n++}.db`),
      clock: fixedClock(Date.UTC(2026, 1, 1)),
      embeddings: { provider: 'hash' },
    });
    const records = [
      run('I want to book a new flight to Boston', ['find_user', 'search_flights', 'book_flight'], true, 1),
      run('Please book me a flight to Denver', ['find_user', 'search_flights', 'book_flight'], true, 2),
      run('Book a flight for my trip to Paris', ['find_user', 'search_flights', 'book_flight'], true, 3),
      run('I want a refund for my cancelled flight', ['find_user', 'get_reservation', 'refund'], true, 4),
      run(
        'Refund my flight, it was cancelled',
        ['find_user', 'get_reservation', 'transfer_to_human'],
        false,
        5,
      ),
      run('I want a refund for the flight', ['find_user', 'get_reservation', 'transfer_to_human'], false, 6),
      run(
        'Refund the cancelled flight please',
        ['find_user', 'get_reservation', 'transfer_to_human'],
        false,
        7,
      ),
    ];
    const report = await memory.importEpisodes(records);
    expect(report.failed).toEqual([]);
  });
  afterEach(async () => {
    await memory.close();
  });

  it('learns which tools the words of a task call for, across the memory', async () => {
    const found = await memory.retrieve({ task: 'book a flight to Rome', context: { domain: 'support' } });
    const book = found.toolModel.find((p) => p.tool === 'book_flight');
    const refund = found.toolModel.find((p) => p.tool === 'refund');
    expect(book?.success).toBeGreaterThan(book?.prior ?? 1);
    expect(book?.success).toBeGreaterThan(refund?.success ?? 1);
    expect(found.episodes[0]?.signals.prediction).toBeGreaterThan(0);
  });

  it('advises the booking for a booking, not the most frequent sequence of the memory', async () => {
    const playbook = await memory.playbook({
      task: 'book a new flight to Rome',
      context: { domain: 'support' },
    });
    const tools = playbook.steps.map((s) => s.tool);
    expect(tools).toContain('book_flight');
    expect(tools).not.toContain('get_reservation');
    expect(tools).not.toContain('transfer_to_human');
    expect(playbook.evidence.successes).toBeGreaterThan(0);
  });

  it('never advises what the failed runs did, and warns about it instead', async () => {
    const playbook = await memory.playbook({
      task: 'refund my cancelled flight',
      context: { domain: 'support' },
    });
    expect(playbook.steps.map((s) => s.tool)).not.toContain('transfer_to_human');
    expect(playbook.pitfalls.some((p) => p.includes('transfer_to_human'))).toBe(true);
    expect(playbook.evidence.failures).toBeGreaterThan(0);
  });

  it('does not teach a fix that did not work (the deploy case)', async () => {
    const { id } = await memory.startEpisode({
      task: 'Deploy the api to staging',
      context: { domain: 'ops' },
    });
    const pull = { status: 'error' as const, message: 'ImagePullBackOff: image not found' };
    await memory.logStep(id, { tool: 'deploy', action: 'kubectl apply', result: pull });
    await memory.logStep(id, { tool: 'edit', action: 'change the image tag' });
    await memory.logStep(id, { tool: 'deploy', action: 'kubectl apply', result: pull });
    const { episode, heuristics } = await memory.completeEpisode(id, {
      status: 'failure',
      reason: 'pods never started',
    });
    expect(episode.reflection.successes.join(' ')).not.toMatch(/Recovered/);
    expect(episode.reflection.improvements.join(' ')).toMatch(/edit did not fix it/);
    expect(heuristics.filter((h) => h.actionTools.includes('edit') && h.agree > 0)).toEqual([]);
    const playbook = await memory.playbook({
      task: 'Deploy the api to production',
      context: { domain: 'ops' },
    });
    expect(playbook.steps.map((s) => s.tool)).not.toContain('edit');
    expect(playbook.pitfalls.join(' ')).not.toMatch(/run edit/i);
  });
});
