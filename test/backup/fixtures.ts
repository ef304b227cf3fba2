import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import Database from 'libsql';
import { fixedClock, type OutcomeInput, SelfLearningMemory, seededRandom } from '../../src/index.js';

export const T0 = Date.parse('2026-11-01T09:00:00.000Z');
export const DAY = 86_400_000;

export function openMemory(db: string, clock = fixedClock(T0, 1_000)): Promise<SelfLearningMemory> {
  return SelfLearningMemory.open({ db, clock, random: seededRandom(7), embeddings: { provider: 'hash' } });
}

/**
 * A store with a row in every table: episodes in progress and of each outcome, steps, patterns, heuristics,
 * feedback (which moves a pattern's effectiveness), links, checkpoints, vectors, the embedding cache and tool
 * evidence. Returns the ids the tests look at.
 */
export async function fillStore(memory: SelfLearningMemory): Promise<{ inProgress: string; done: string[] }> {
  const done: string[] = [];
  const outcomes: OutcomeInput[] = [
    { status: 'success', verdict: 'tests pass' },
    { status: 'success', verdict: 'fixed again' },
    { status: 'partial', verdict: 'half', completed: ['a'], failed: ['b'] },
    { status: 'failure', reason: 'flaky' },
    { status: 'abstained', reason: 'not possible', infeasibilitySignals: ['no access'] },
  ];
  for (const [i, outcome] of outcomes.entries()) {
    const e = await memory.startEpisode({
      task: `Fix the failing login test ${i}`,
      context: { domain: 'web', language: 'typescript', tags: ['auth'] },
      tags: [`run-${i}`],
      metadata: { n: String(i) },
    });
    await memory.logStep(e.id, {
      tool: 'bash',
      action: 'npm test',
      result: { status: 'error', message: 'E1' },
    });
    await memory.logStep(e.id, {
      tool: 'edit',
      action: 'fix expiry',
      params: { file: 'auth.ts' },
      tokens: 5,
    });
    await memory.logStep(e.id, { tool: 'bash', action: 'npm test', result: { status: 'timeout' } });
    await memory.completeEpisode(e.id, outcome);
    done.push(e.id);
  }
  const open = await memory.startEpisode({ task: 'Refactor the session store', context: { domain: 'web' } });
  await memory.logStep(open.id, { tool: 'grep', action: 'session' });
  await memory.checkpointEpisode(open.id, { note: 'found the store', progress: 0.3 });
  await memory.linkEpisodes({ from: done[1]!, to: done[0]!, type: 'follows', note: 'same root cause' });
  await memory.linkEpisodes({ from: open.id, to: done[0]!, type: 'related_to' });
  const [pattern] = await memory.listPatterns({ limit: 1 });
  if (!pattern) throw new Error('the fixture learned no pattern');
  await memory.recordFeedback({
    episodeId: done[0]!,
    patternIds: [pattern.id],
    success: true,
    note: 'helped',
  });
  await memory.flush();
  return { inProgress: open.id, done };
}

/** Every table of a database file (virtual, shadow and internal ones included), row by row in a fixed order. */
export function dumpTables(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((r) => r.name);
    const dump: Record<string, unknown[]> = {};
    for (const table of tables) {
      const columns = (db.prepare(`SELECT * FROM "${table}" LIMIT 0`).columns() as unknown[]).length;
      const order = Array.from({ length: columns + 1 }, (_, i) => i + 1).join(', ');
      try {
        dump[table] = db.prepare(`SELECT rowid AS _rowid_, * FROM "${table}" ORDER BY ${order}`).all();
      } catch {
        // WITHOUT ROWID tables have no rowid to compare.
        const cols = Array.from({ length: columns }, (_, i) => i + 1).join(', ');
        dump[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY ${cols}`).all();
      }
    }
    return dump;
  } finally {
    db.close();
  }
}

/**
 * Another process that keeps writing episodes in progress, each with three steps, one transaction each, until
 * killed: `w-0`, `w-1`, … A consistent snapshot holds a prefix of them, each with all of its steps.
 */
export async function startWriter(db: string): Promise<{ stop(): Promise<void> }> {
  const script = `
    import Database from 'libsql';
    const db = new Database(process.argv[1]);
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
    const episode = db.prepare(\`INSERT INTO episodes (id, task, task_type, domain, complexity, context_tags, tags,
      metadata, started_at, step_count) VALUES (?, ?, 'other', 'load', 'moderate', '[]', '[]', '{}', ?, 3)\`);
    const step = db.prepare(\`INSERT INTO steps (episode_rid, seq, at, tool, action, params, status, latency_ms,
      metadata) VALUES (?, ?, ?, 'bash', 'work', '{}', 'success', 1, '{}')\`);
    for (let i = 0; ; i++) {
      db.exec('BEGIN IMMEDIATE');
      const id = '00000000-0000-4000-8000-' + String(i).padStart(12, '0');
      const rid = Number(episode.run(id, 'w-' + i, Date.now()).lastInsertRowid);
      for (let seq = 1; seq <= 3; seq++) step.run(rid, seq, Date.now());
      db.exec('COMMIT');
      if (i === 20) process.stdout.write('ready\\n');
    }
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, db], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  if (!chunk.toString().includes('ready')) throw new Error(`writer said ${chunk.toString()}`);
  return {
    async stop() {
      const closed = once(child, 'close');
      child.kill();
      await closed;
    },
  };
}
