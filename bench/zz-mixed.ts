// Experiment: event-loop stalls of slmem serve under a mixed load (writers, heavy readers, cheap readers).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const db = process.argv[2]!;
const readers = process.argv[3] ?? '1';
const seconds = Number(process.argv[4] ?? 60);
const child = spawn(
  process.execPath,
  ['dist/cli/main.js', '--db', db, 'serve', '--port', '0', '--readers', readers],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
const url = await new Promise<string>((done) => {
  createInterface({ input: child.stderr! }).on('line', (l) => {
    const m = /at (http:\/\/\S+)/.exec(l);
    if (m) done(m[1]!);
    else if (!l.includes('serving')) process.stderr.write(`server: ${l}\n`);
  });
});
const post = async (path: string, body: unknown) => {
  const r = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const j = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(JSON.stringify(j));
  return j;
};
let stop = false;
const counts = { writes: 0, heavy: 0, cheap: 0, errors: 0 };
const writer = async (n: number) => {
  for (let i = 0; !stop; i++) {
    try {
      const e = await post('/api/episodes', {
        task: `mixed writer ${n} episode ${i}: refund the order and update the address`,
        domain: 'retail',
      });
      const id = e.episode_id as string;
      for (let s = 0; s < 6; s++) {
        await post(`/api/episodes/${id}/steps`, {
          tool: ['get_order', 'refund', 'update_address'][s % 3],
          action: `step ${s}`,
          output: 'ok '.repeat(50),
        });
        counts.writes++;
      }
      await post(`/api/episodes/${id}/complete`, {
        outcome: i % 4 ? 'success' : 'failure',
        ...(i % 4 ? {} : { reason: 'no' }),
      });
      counts.writes++;
    } catch {
      counts.errors++;
    }
  }
};
const heavy = async (n: number) => {
  for (let i = 0; !stop; i++) {
    try {
      await post(i % 2 ? '/api/playbook' : '/api/retrieve', {
        task: `customer ${n}-${i} wants a refund for a broken kettle and a new address`,
      });
      counts.heavy++;
    } catch {
      counts.errors++;
    }
  }
};
const cheap = async () => {
  for (; !stop; ) {
    try {
      await (await fetch(url + '/api/episodes?limit=20')).arrayBuffer();
      await (await fetch(url + '/health')).arrayBuffer();
      counts.cheap++;
    } catch {
      counts.errors++;
    }
  }
};
const loops = [writer(0), writer(1), heavy(0), heavy(1), cheap(), cheap()];
let worst = 0;
for (let t = 0; t < seconds; t += 5) {
  await new Promise((r) => setTimeout(r, 5000));
  const text = await (await fetch(url + '/metrics')).text();
  const max = Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1]) * 1000;
  const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1]) / 1e6;
  worst = Math.max(worst, max);
  console.log(
    `${t + 5}s: loop max ${max.toFixed(0)} ms, rss ${rss.toFixed(0)} MB, ${JSON.stringify(counts)}`,
  );
}
stop = true;
await Promise.all(loops);
child.kill('SIGTERM');
console.log(`readers=${readers}: worst event-loop delay ${worst.toFixed(0)} ms`);
