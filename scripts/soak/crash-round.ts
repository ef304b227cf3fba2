/**
 * One round of the crash soak: writer processes record episodes on one store file and print an
 * acknowledgement after each write resolves; once every writer has acknowledged some writes, the round waits a
 * little more and kills them all with SIGKILL, then checks that every acknowledged write is in the store and
 * that the file passes SQLite's integrity check.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'libsql';
import { SelfLearningMemory } from '../../src/index.js';

export interface RoundOptions {
  db: string;
  /** The built package entry (`dist/index.js`): children run the shipped code, not the sources. */
  dist: string;
  processes: number;
  /** Writes each writer must have acknowledged before the kill is armed (default 10). */
  minWrites?: number;
  /** How much longer the kill then waits, so that it lands at a different moment of the work each round. */
  extraMs: number;
  /** How long the writers may take to reach `minWrites` (default 60 s); past it the round fails saying so. */
  startTimeoutMs?: number;
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

/** Runs one round: starts the writers, kills them after they made progress, verifies what they acknowledged. */
export async function crashRound(options: RoundOptions): Promise<RoundReport> {
  const lines: string[] = [];
  const writers = Array.from({ length: options.processes }, (_, i) =>
    startWriter(writerScript(options.dist, options.db, options.seed * 31 + i), lines),
  );
  try {
    await progress(writers, options.minWrites ?? 10, options.startTimeoutMs ?? 60_000);
    await sleep(options.extraMs);
  } finally {
    for (const writer of writers) writer.child.kill('SIGKILL');
    await Promise.all(writers.map((writer) => writer.exited));
  }
  return verify(options.db, lines);
}

interface Writer {
  child: ChildProcess;
  /** Writes it acknowledged so far. */
  acks: number;
  stderr: string;
  /** Set once it exited and its output was read to the end. */
  ended: string | undefined;
  exited: Promise<void>;
  /** Called on each acknowledgement and on exit. */
  onChange?: () => void;
}

function startWriter(script: string, lines: string[]): Writer {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const writer: Writer = { child, acks: 0, stderr: '', ended: undefined, exited: Promise.resolve() };
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    writer.acks += parts.length;
    writer.onChange?.();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    writer.stderr = (writer.stderr + chunk.toString('utf8')).slice(-2_000);
  });
  writer.exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      writer.ended = String(code ?? signal);
      resolve();
      writer.onChange?.();
    });
  });
  return writer;
}

/**
 * Resolves once every writer has acknowledged `minWrites`; rejects, saying how far each got, when one exits
 * first or the time runs out (a writer that cannot start must fail the round, not pass it with nothing to check).
 */
function progress(writers: Writer[], minWrites: number, timeoutMs: number): Promise<void> {
  const state = () => writers.map((w, i) => `writer ${i + 1}: ${w.acks}`).join(', ');
  const stderr = () =>
    writers
      .map((w) => w.stderr.replace(/\s+/g, ' ').trim())
      .filter(Boolean)
      .join(' | ') || 'none';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(`the writers did not all acknowledge ${minWrites} writes in ${timeoutMs} ms`);
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      for (const w of writers) w.onChange = undefined;
    };
    const fail = (why: string) => {
      done();
      reject(new Error(`${why} (acknowledged: ${state()}; stderr: ${stderr()})`));
    };
    const check = () => {
      const gone = writers.findIndex((w) => w.ended !== undefined);
      if (gone !== -1) return fail(`writer ${gone + 1} exited on its own (${writers[gone]?.ended})`);
      if (writers.every((w) => w.acks >= minWrites)) {
        done();
        resolve();
      }
    };
    for (const w of writers) w.onChange = check;
    check();
  });
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
