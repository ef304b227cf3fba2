// One writer of test/concurrency/many-writers.test.ts, a real `node` process on the built package.
// argv: db, writer index, shared episode ids (JSON), steps, own episodes.
// Opens the memory, prints `ready`, waits for `go` on stdin (the shared start instant), then logs `steps`
// steps round-robin into the shared episodes, interleaved with recording its own episodes, and prints a JSON
// report on its last line.
import { createInterface } from 'node:readline';
import { SelfLearningMemory } from '../../dist/index.js';

const [db, indexText, sharedJson, stepsText, ownText] = process.argv.slice(2);
const index = Number(indexText);
const shared = JSON.parse(sharedJson);
const steps = Number(stepsText);
const own = Number(ownText);

const OWN_SEQUENCE = ['read', 'edit', 'test'];

const memory = await SelfLearningMemory.open({ db, embeddings: false });
const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve(undefined)));
process.stdout.write('ready\n');
await go;
lines.close();

const startedAt = Date.now();
const seqs = shared.map(() => []);
const ownEpisodes = [];
const every = Math.max(1, Math.floor(steps / own));

async function recordOwn(n) {
  // Every third episode is partial: it counts as an occurrence of the sequence but not as a success.
  const status = n % 3 === 2 ? 'partial' : 'success';
  const episode = await memory.startEpisode({
    task: `writer ${index} own task ${n}`,
    taskType: 'debugging',
    context: { domain: 'concurrency' },
  });
  for (const tool of OWN_SEQUENCE)
    await memory.logStep(episode.id, { tool, action: `${tool} the file`, result: { status: 'success' } });
  await memory.completeEpisode(episode.id, { status, verdict: `writer ${index}` });
  ownEpisodes.push({ id: episode.id, status });
}

for (let i = 0; i < steps; i++) {
  const e = i % shared.length;
  const step = await memory.logStep(shared[e], {
    tool: `w${index}`,
    action: `writer ${index} step ${i}`,
    params: { writer: index, i },
  });
  seqs[e].push(step.seq);
  if (ownEpisodes.length < own && (i + 1) % every === 0) await recordOwn(ownEpisodes.length);
}
while (ownEpisodes.length < own) await recordOwn(ownEpisodes.length);
const finishedAt = Date.now();
await memory.close();
process.stdout.write(`${JSON.stringify({ index, startedAt, finishedAt, seqs, ownEpisodes })}\n`);
