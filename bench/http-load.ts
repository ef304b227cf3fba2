/**
 * The load of `bench/http.ts`'s "while busy" and "mixed" runs, in a process of its own so that the client being
 * timed has its event loop to itself. Reads `{ url, clients, writers, texts }` as one JSON line on stdin:
 * `clients` loops each send retrieve and playbook in turn with a task text never asked before (the result cache
 * cannot answer); `writers` loops each record episodes (start, six steps, complete) as an agent would; one
 * request at a time each, until stdin ends. Prints `ready` once every loop has had an answer, and at the end
 * `{ calls, writes, failed }` as one JSON line.
 */
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin });
const first = await new Promise<string>((resolve) => lines.once('line', resolve));
const { url, clients, writers, texts } = JSON.parse(first) as {
  url: string;
  clients: number;
  writers?: number;
  texts: string[];
};
let stopped = false;
const done = { calls: 0, writes: 0, failed: 0 };
let asked = 0;
lines.once('close', () => {
  stopped = true;
});

async function post(path: string, body: unknown): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.ok) return answer;
  } catch {
    // Counted below.
  }
  done.failed++;
  return undefined;
}

async function heavy(n: number, answered: () => void): Promise<void> {
  for (let i = 0; !stopped; i++) {
    const k = asked++;
    const path = (n + i) % 2 === 0 ? '/api/retrieve' : '/api/playbook';
    if (await post(path, { task: `${texts[k % texts.length]} (${k})` })) done.calls++;
    if (i === 0) answered();
  }
}

const TOOLS = [
  'find_user_id_by_email',
  'get_order_details',
  'get_product_details',
  'return_delivered_order_items',
];

async function writer(n: number, answered: () => void): Promise<void> {
  for (let i = 0; !stopped; i++) {
    const started = await post('/api/episodes', {
      task: texts[(n * 7919 + i) % texts.length],
      domain: 'retail',
    });
    const id = started?.episode_id;
    if (typeof id === 'string') {
      for (let s = 0; s < 6; s++) {
        const failed = (i + s) % 9 === 0;
        const step = {
          tool: TOOLS[s % TOOLS.length],
          action: `step ${s}`,
          ...(failed ? { error: 'not found' } : { output: 'ok' }),
        };
        if (await post(`/api/episodes/${id}/steps`, step)) done.writes++;
      }
      const outcome =
        i % 4 === 0 ? { outcome: 'failure', reason: 'the order was not found' } : { outcome: 'success' };
      if (await post(`/api/episodes/${id}/complete`, outcome)) done.writes++;
    }
    if (i === 0) answered();
  }
}

let waiting = clients + (writers ?? 0);
const ready = new Promise<void>((resolve) => {
  const answered = () => {
    if (--waiting === 0) resolve();
  };
  const loops = [
    ...Array.from({ length: clients }, (_, n) => heavy(n, answered)),
    ...Array.from({ length: writers ?? 0 }, (_, n) => writer(n, answered)),
  ];
  void Promise.all(loops).then(() => {
    process.stdout.write(`${JSON.stringify(done)}\n`);
  });
});
await ready;
process.stdout.write('ready\n');
