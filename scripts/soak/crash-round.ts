/**
 * One round of the crash soak: writer processes record episodes on one store file and print an
 * acknowledgement after each write resolves; the round kills them all with SIGKILL at a random moment, then
 * checks that every acknowledged write is in the store and that the file passes SQLite's integrity check.
 */
import { spawn } from 'node:child_process';
import Database from 'libsql';
import { SelfLearningMemory } from '../../src/index.js';

export interface RoundOptions {
  db: string;
  /** The built package entry (`dist/index.js`): children run the shipped code, not the sources. */
  dist: string;
  processes: number;
  /** When the children are killed, after they start. */
  killAfterMs: number;
  seed: number;
}

export interface RoundReport {
  acknowledged: { episodes: number; steps: number; completions: number };
  /** Acknowledged writes that the store does not hold, and integrity problems: empty when all is well. */
  problems: string[];
}

/** The writer: episodes of 1-8 steps, most of them completed, each write acknowledged on stdout. */
function writerScript(dist: string, db: string, seed: number): string {
  return `
    const { SelfLearningMemory } = await import(${JSON.stringify(dist)});
    const memory = await SelfLearningMemory.open({ db: ${JSON.stringify(db)}, embeddings: false, log: () => {} });
    let state = ${seed >>> 0} || 1;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const say = (line) => new Promise((resolve) => process.stdout.write(line + '\\n', resolve));
    for (let n = 0; ; n++) {
      const e = await memory.startEpisode({ task: 'soak episode ' + n + ' fix the flaky build', context: { domain: 'soak' } });
      await say('E ' + e.id);
      const steps = 1 + Math.floor(next() * 8);
      for (let i = 1; i <= steps; i++) {
        const failed = next() < 0.1;
        await memory.logStep(e.id, { tool: ['read', 'edit', 'test'][i % 3], action: 'step ' + i,
          result: failed ? { status: 'error', message: 'Error: flaky' } : { status: 'success' } });
        await say('S ' + e.id + ' ' + i);
      }
      if (next() < 0.7) {
        await memory.completeEpisode(e.id, next() < 0.6 ? { status: 'success' } : { status: 'failure', reason: 'flaky' });
        await say('C ' + e.id);
      }
    }
  `;
}

/** Runs one round: starts the writers, kills them, verifies what they acknowledged. */
export async function crashRound(options: RoundOptions): Promise<RoundReport> {
  const lines: string[] = [];
  const children = Array.from({ length: options.processes }, (_, i) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', writerScript(options.dist, options.db, options.seed * 31 + i)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    child.stderr.resume();
    return new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    });
  });
  await Promise.all(children);
  return verify(options.db, lines);
}

async function verify(db: string, lines: readonly string[]): Promise<RoundReport> {
  const steps = new Map<string, number>();
  const completed = new Set<string>();
  for (const line of lines) {
    const [kind, id, seq] = line.split(' ');
    if (!id) continue;
    if (kind === 'E' && !steps.has(id)) steps.set(id, 0);
    if (kind === 'S') steps.set(id, Math.max(steps.get(id) ?? 0, Number(seq)));
    if (kind === 'C') completed.add(id);
  }
  const problems: string[] = [];
  const memory = await SelfLearningMemory.open({ db, embeddings: false, log: () => {} });
  try {
    for (const [id, count] of steps) {
      const episode = await memory.getEpisode(id).catch(() => undefined);
      if (!episode) problems.push(`episode ${id} was acknowledged but is missing`);
      else if (episode.steps.length < count)
        problems.push(`episode ${id}: ${count} steps acknowledged, ${episode.steps.length} stored`);
      else if (completed.has(id) && !episode.outcome)
        problems.push(`episode ${id}: completion acknowledged but lost`);
    }
  } finally {
    await memory.close();
  }
  const raw = new Database(db, { readonly: true });
  try {
    const check = raw.prepare('PRAGMA integrity_check').get() as { integrity_check?: string };
    if (check.integrity_check !== 'ok') problems.push(`integrity_check: ${JSON.stringify(check)}`);
  } finally {
    raw.close();
  }
  const acknowledgedSteps = [...steps.values()].reduce((a, b) => a + b, 0);
  return {
    acknowledged: { episodes: steps.size, steps: acknowledgedSteps, completions: completed.size },
    problems,
  };
}
