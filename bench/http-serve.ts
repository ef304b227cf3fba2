/**
 * The server side of `bench/http.ts`, in a process of its own as `slmem serve` runs: opens the bench store with
 * hash embeddings, the result cache on and `readers` worker threads (the defaults of `slmem serve`), loads the
 * vector index, listens on a free loopback port and prints one JSON line `{ "url", "warmSec" }` on stdout. It
 * closes when its stdin ends, so it never outlives the bench.
 *
 * @example
 * // tsx bench/http-serve.ts /tmp/slmem-http-bench/store.db [readers]
 */
import { performance } from 'node:perf_hooks';
import { startHttpServer } from '../src/http/index.js';
import { SelfLearningMemory } from '../src/index.js';

const db = process.argv[2];
if (!db) {
  process.stderr.write('usage: tsx bench/http-serve.ts <db>\n');
  process.exit(2);
}
const memory = await SelfLearningMemory.open({
  db,
  embeddings: { provider: 'hash' },
  readers: Number(process.argv[3] ?? 1),
  log: (message) => process.stderr.write(`bench server: ${message}\n`),
});
const started = performance.now();
await memory.warm();
const warmSec = (performance.now() - started) / 1000;
const server = await startHttpServer(memory, { port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url, warmSec })}\n`);

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await server.close();
  await memory.close();
  process.exit(0);
};
process.stdin.on('end', close);
process.stdin.on('close', close);
process.stdin.resume();
