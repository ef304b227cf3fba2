import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, testBackends } from '../backends.js';

/**
 * The proof that several processes may write one memory at once: WRITERS real `node` processes (each opening
 * its own memory on the same store) start at one instant, each logs STEPS steps round-robin into SHARED
 * episodes that all of them append to, and each records OWN episodes of its own with one tool sequence. Then
 * every count is checked exactly: no step lost or doubled, seqs 1..N without gap, pattern statistics summed.
 * On SQLite the writers contend for the file's write lock, which is the point.
 */
const WRITERS = 4;
const SHARED = 4;
const STEPS = 500;
const OWN = 6;
const OWN_SEQUENCE = ['read', 'edit', 'test'];
const WRITER = resolve(import.meta.dirname, 'writer.mjs');
const DIST = resolve(import.meta.dirname, '../../dist/index.js');

interface Report {
  index: number;
  startedAt: number;
  finishedAt: number;
  seqs: number[][];
  ownEpisodes: Array<{ id: string; status: 'success' | 'partial' }>;
}

interface Writer {
  ready: Promise<void>;
  go(): void;
  done: Promise<Report>;
}

function startWriter(db: string, index: number, shared: string[]): Writer {
  const child = spawn(
    process.execPath,
    [WRITER, db, String(index), JSON.stringify(shared), String(STEPS), String(OWN)],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SLMEM_NAMESPACE: undefined } },
  );
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((done) => (markReady = done));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Report>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      markReady();
      if (code !== 0) return fail(new Error(`writer ${index} exited ${code}: ${stderr}`));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      ok(JSON.parse(last) as Report);
    });
  });
  return { ready, go: () => child.stdin.end('go\n'), done };
}

afterAll(dropSchemas);

describe.each(testBackends())('many writers at once on $name', ({ name, db: freshDb }) => {
  it(`${WRITERS} processes × ${STEPS} steps into shared episodes, plus their own episodes: nothing lost`, {
    timeout: 120_000,
  }, async () => {
    expect(existsSync(DIST), 'run "npm run build" first').toBe(true);
    const db = freshDb();
    const setup = await SelfLearningMemory.open({ db, embeddings: false });
    const shared: string[] = [];
    for (let e = 0; e < SHARED; e++)
      shared.push((await setup.startEpisode({ task: `shared task ${e}`, context: { domain: 'shared' } })).id);
    await setup.close();

    const writers = Array.from({ length: WRITERS }, (_, i) => startWriter(db, i, shared));
    await Promise.all(writers.map((w) => w.ready));
    const start = Date.now();
    for (const w of writers) w.go();
    const reports = await Promise.all(writers.map((w) => w.done));
    const wallMs = Date.now() - start;
    console.log(
      `[many-writers] ${name}: ${WRITERS} writers × (${STEPS} shared steps + ${OWN} own episodes) in ${wallMs} ms; ` +
        `writers ran ${reports.map((r) => `${r.finishedAt - r.startedAt} ms`).join(', ')}`,
    );

    const memory = await SelfLearningMemory.open({ db, embeddings: false });
    try {
      // Each shared episode: every writer's steps, seqs exactly 1..N, each writer's steps in its own order.
      const perEpisode = (STEPS / SHARED) * WRITERS;
      for (const [e, id] of shared.entries()) {
        const episode = await memory.getEpisode(id);
        expect(episode.steps).toHaveLength(perEpisode);
        expect(episode.steps.map((s) => s.seq)).toEqual(Array.from({ length: perEpisode }, (_, k) => k + 1));
        for (const report of reports) {
          const mine = episode.steps.filter((s) => s.tool === `w${report.index}`);
          expect(mine).toHaveLength(STEPS / SHARED);
          // The seqs the writer was handed are the ones stored, in the order it logged its steps.
          expect(mine.map((s) => s.seq)).toEqual(report.seqs[e]);
          const order = mine.map((s) => (s.params as { i: number }).i);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        }
        // No seq handed to two writers.
        const handed = reports.flatMap((r) => r.seqs[e] ?? []);
        expect(new Set(handed).size).toBe(perEpisode);
      }

      // Totals: every step and episode counted once.
      const own = reports.flatMap((r) => r.ownEpisodes);
      expect(own).toHaveLength(WRITERS * OWN);
      expect(new Set(own.map((o) => o.id)).size).toBe(WRITERS * OWN);
      const successes = own.filter((o) => o.status === 'success').length;
      const stats = await memory.stats();
      expect(stats).toMatchObject({
        episodes: SHARED + WRITERS * OWN,
        completedEpisodes: WRITERS * OWN,
        steps: WRITERS * STEPS + WRITERS * OWN * OWN_SEQUENCE.length,
      });
      expect(stats.byOutcome).toMatchObject({ success: successes, partial: WRITERS * OWN - successes });

      // Tool counts over every stored step sum right.
      const tools = new Map<string, number>();
      for (const episode of await memory.listEpisodes({ limit: 1000 }))
        for (const step of (await memory.getEpisode(episode.id)).steps)
          tools.set(step.tool, (tools.get(step.tool) ?? 0) + 1);
      expect(Object.fromEntries(tools)).toEqual({
        ...Object.fromEntries(Array.from({ length: WRITERS }, (_, i) => [`w${i}`, STEPS])),
        ...Object.fromEntries(OWN_SEQUENCE.map((t) => [t, WRITERS * OWN])),
      });

      // The one tool sequence every own episode followed: one pattern, every completion merged into it.
      const key = `tool_sequence|concurrency|${OWN_SEQUENCE.join('>')}`;
      const sequences = (await memory.listPatterns({ type: 'tool_sequence', limit: 1000 })).filter(
        (p) => p.context.domain === 'concurrency',
      );
      expect(sequences.map((p) => p.key)).toEqual([key]);
      const [pattern] = sequences;
      expect(pattern).toMatchObject({ occurrences: WRITERS * OWN, successCount: successes });
      expect(pattern?.successRate).toBeCloseTo(successes / (WRITERS * OWN), 10);
      expect(new Set(pattern?.evidence)).toEqual(new Set(own.map((o) => o.id)));
      // Every pattern learned from these episodes saw at most all of them.
      for (const p of await memory.listPatterns({ limit: 1000 }))
        expect(p.occurrences).toBeLessThanOrEqual(WRITERS * OWN);
    } finally {
      await memory.close();
    }
  });
});
