// The other process of test/concurrency/reopen.test.ts, a real `node` process on the built package: opens the
// memory, reads it (the vector index, retrievals, stats), closes it and exits 0.
import { SelfLearningMemory } from '../../dist/index.js';

const memory = await SelfLearningMemory.open({ db: process.argv[2], embeddings: { provider: 'hash' } });
await memory.warm();
for (let i = 0; i < 20; i++) await memory.retrieve({ task: `refund order number ${i}` });
await memory.stats();
await memory.close();
