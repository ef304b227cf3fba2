/**
 * A reader worker (see `Readers`): opens the memory its `workerData` describes on the first job and answers the
 * calls that rank, with the same parts the facade uses. Its own logs reach the caller's logger through the pool.
 */
import { threadId, workerData } from 'node:worker_threads';
import { logToParent, serveRequests } from '../core/worker-protocol.js';
import { playbookFor } from './advice.js';
import { type MemoryParts, openParts, warmParts } from './parts.js';
import type { ReaderConfig, ReaderJob, ReaderReply } from './readers.js';
import { memoryStats } from './stats.js';

const config = workerData as ReaderConfig;
let opened: Promise<MemoryParts> | undefined;

function parts(): Promise<MemoryParts> {
  if (!opened) {
    opened = openParts({ ...config, log: logToParent }, 'reader');
    // A failed open (the server was down) is tried again by the next job.
    opened.catch(() => {
      opened = undefined;
    });
  }
  return opened;
}

serveRequests<ReaderJob, ReaderReply>(
  async (job) => {
    const live = await parts();
    const value = await answer(live, job);
    return { result: { value, thread: threadId, cache: live.retriever.stats() } };
  },
  'INTERNAL',
  close,
);

/** Closes the connection (a server sees a clean disconnect) and the embedder, when they were opened. */
async function close(): Promise<void> {
  const live = await opened?.catch(() => undefined);
  await live?.storage.close();
  await live?.provider?.close?.();
}

function answer(live: MemoryParts, job: ReaderJob): Promise<unknown> {
  switch (job.method) {
    case 'retrieve':
      return live.retriever.retrieve(job.input, false);
    case 'playbook':
      return playbookFor({ retriever: live.retriever }, job.input);
    case 'searchPatterns':
      return live.retriever.searchPatterns(job.input);
    case 'progress':
      return live.storage.progress(job.input);
    case 'stats':
      return memoryStats(live);
    case 'warm':
      return warmParts(live);
  }
}
