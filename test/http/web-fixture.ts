import { loadTauRetail, type TauTask, tauTaskToRecord } from '../../src/datasets/index.js';
import type { EpisodeRecord } from '../../src/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';

/**
 * A memory for the web page's browser test and screenshots: real tau-bench retail tasks (the demo's dataset)
 * spread over ten weeks in two domains, with failures that get rarer over time (so the progress chart has a
 * rising line), error steps that are recovered, feedback on the most seen patterns and a link between two
 * episodes. Deterministic: the same file content every run.
 *
 * @example
 * const memory = await fillWebMemory(join(dir, 'memory.db'), 60);
 */
export async function fillWebMemory(db: string, count = 60): Promise<SelfLearningMemory> {
  const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
  const train = (await loadTauRetail()).filter((t) => t.split === 'train').slice(0, count);
  const records = train.map((task, i) => webRecord(task, i, count));
  const imported = await memory.importEpisodes(records, { embed: false });
  if (imported.failed.length > 0)
    throw new Error(`fixture import failed: ${imported.failed[0]?.error.message}`);
  const patterns = await memory.listPatterns({ sort: 'occurrences', limit: 6 });
  for (const [i, pattern] of patterns.entries()) {
    // The first patterns mostly helped, the last mostly not: "helped most" has an order to show.
    for (let k = 0; k < 4; k++) {
      await memory.recordFeedback({ patternIds: [pattern.id], success: (i + k) % 6 < 4 });
    }
  }
  const [first, second] = records;
  if (first?.id && second?.id) {
    await memory.linkEpisodes({ from: second.id, to: first.id, type: 'follows', note: 'same customer' });
  }
  return memory;
}

const WEEK = 7 * 24 * 3_600_000;
const START = Date.UTC(2026, 0, 5); // a Monday

/** The tau record, moved in time and given an outcome: failure odds fall from ~60% to ~10% over the weeks. */
function webRecord(task: TauTask, i: number, count: number): EpisodeRecord {
  const base = tauTaskToRecord(task, i);
  const returns = task.actions.some((a) => a.name.startsWith('return_') || a.name.startsWith('exchange_'));
  const progress = i / Math.max(1, count - 1);
  const failed = (i * 7919) % 100 < 60 - 50 * progress;
  const startedAt = new Date(START + Math.floor(progress * 9.9 * WEEK) + (i % 5) * 3_600_000).toISOString();
  const steps = [...(base.steps ?? [])];
  const firstTool = steps[0]?.tool;
  if (firstTool && i % 3 === 0) {
    steps.unshift({ tool: firstTool, action: 'first try', error: 'order is not pending', latencyMs: 900 });
  }
  if (failed && firstTool)
    steps.push({ tool: firstTool, action: 'retry', error: 'payment method declined', latencyMs: 1_400 });
  return {
    ...base,
    context: { ...base.context, domain: returns ? 'returns' : 'orders' },
    steps,
    outcome: failed
      ? { status: 'failure', reason: 'the customer left before the change went through' }
      : { status: 'success', verdict: 'gold actions completed', artifacts: [] },
    startedAt,
    endedAt: new Date(Date.parse(startedAt) + 20 * 60_000).toISOString(),
  };
}

/** Debian's chromium (`apt-get install -y chromium`); a browser is never downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and quiet: no update checks, sync or other traffic of its own that could leave the machine. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
