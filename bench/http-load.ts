/**
 * The heavy clients of `bench/http.ts`'s "while busy" column, in a process of their own so that the client
 * being timed has its event loop to itself: `clients` loops, each sending retrieve and playbook in turn with a
 * task text never asked before (the result cache cannot answer), one request at a time, until stdin ends. Reads
 * `{ url, clients, texts }` as one JSON line on stdin, prints `ready` once every client has had an answer, and
 * at the end `{ calls, failed }` as one JSON line.
 */
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin });
const first = await new Promise<string>((resolve) => lines.once('line', resolve));
const { url, clients, texts } = JSON.parse(first) as { url: string; clients: number; texts: string[] };
let stopped = false;
let calls = 0;
let failed = 0;
let asked = 0;
lines.once('close', () => {
  stopped = true;
});

async function client(n: number, answered: () => void): Promise<void> {
  for (let i = 0; !stopped; i++) {
    const k = asked++;
    const path = (n + i) % 2 === 0 ? '/api/retrieve' : '/api/playbook';
    const task = `${texts[k % texts.length]} (${k})`;
    try {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task }),
      });
      await response.arrayBuffer();
      if (response.ok) calls++;
      else failed++;
    } catch {
      failed++;
    }
    if (i === 0) answered();
  }
}

let first_ = clients;
const ready = new Promise<void>((resolve) => {
  const loops = Array.from({ length: clients }, (_, n) =>
    client(n, () => {
      if (--first_ === 0) resolve();
    }),
  );
  void Promise.all(loops).then(() => {
    process.stdout.write(`${JSON.stringify({ calls, failed })}\n`);
  });
});
await ready;
process.stdout.write('ready\n');
