import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTauRetail } from '../../src/datasets/index.js';
import { listeningUrl, removeTempDirs, slmem, tempDb, writeTauJsonl } from '../cli/run-cli.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const { dir, db } = tempDb();
afterAll(() => removeTempDirs(dir));

/** p95 of `n` sequential GETs, in ms; every answer must be 200. */
async function p95(url: string, n: number): Promise<{ p95: number; statuses: number[] }> {
  const times: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    times.push(performance.now() - started);
    statuses.add(response.status);
  }
  times.sort((a, b) => a - b);
  return { p95: times[Math.ceil(n * 0.95) - 1] ?? Number.NaN, statuses: [...statuses] };
}

/** `clients` loops calling retrieve and playbook with tasks never asked before, until `stop`. */
function heavyClients(url: string, clients: number, tasks: readonly string[]) {
  let stopped = false;
  const outcome = { calls: 0, failed: 0 };
  let asked = 0;
  const loops = Array.from({ length: clients }, async (_, n) => {
    for (let i = 0; !stopped; i++) {
      const k = asked++;
      const response = await fetch(`${url}/api/${(n + i) % 2 === 0 ? 'retrieve' : 'playbook'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task: `${tasks[k % tasks.length]} (${k})` }),
      });
      await response.arrayBuffer();
      if (response.ok) outcome.calls++;
      else outcome.failed++;
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return outcome;
    },
  };
}

describe('cheap calls beside heavy ones (a measurement: prints the ratio, asserts no timing)', () => {
  it('answers /health and an episode while 4 clients call retrieve and playbook, with and without a reader thread', async () => {
    const file = await writeTauJsonl(dir, 500);
    expect((await slmem(['--db', db, '--embeddings', 'hash', 'import', file])).code).toBe(0);
    const tasks = (await loadTauRetail()).filter((t) => t.split === 'test').map((t) => t.instruction);
    for (const readers of [0, 1]) {
      const child = spawn(
        process.execPath,
        [MAIN, '--db', db, '--embeddings', 'hash', 'serve', '--port', '0', '--readers', String(readers)],
        { env: { ...process.env, SLMEM_DB: '', NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      try {
        const url = await listeningUrl(child);
        const listed = (await (await fetch(`${url}/api/episodes?limit=1`)).json()) as {
          episodes: Array<{ episode_id: string }>;
        };
        const episodeId = listed.episodes[0]?.episode_id ?? '';
        const cheap = [`${url}/health`, `${url}/api/episodes/${episodeId}`];
        const alone: Array<{ p95: number; statuses: number[] }> = [];
        for (const u of cheap) alone.push(await p95(u, 100));
        const heavy = heavyClients(url, 4, tasks);
        const busy: Array<{ p95: number; statuses: number[] }> = [];
        for (const u of cheap) busy.push(await p95(u, 100));
        const done = await heavy.stop();
        expect(done.failed).toBe(0);
        expect(done.calls).toBeGreaterThan(0);
        for (const r of [...alone, ...busy]) expect(r.statuses).toEqual([200]);
        const line = cheap
          .map((u, i) => {
            const a = alone[i]?.p95 ?? Number.NaN;
            const b = busy[i]?.p95 ?? Number.NaN;
            return `${new URL(u).pathname.replace(episodeId, ':id')} p95 ${a.toFixed(1)} ms alone, ${b.toFixed(1)} ms busy (${(b / a).toFixed(1)}×)`;
          })
          .join('; ');
        process.stdout.write(`[busy] --readers ${readers}: ${line}; ${done.calls} heavy calls meanwhile\n`);
      } finally {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 120_000);
});
