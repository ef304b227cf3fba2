/**
 * The worker thread of the Universal Sentence Encoder: loads the model on its first request and answers
 * each request (a batch of texts) with their vectors laid end to end in one Float32Array, moved to the main
 * thread without a copy. Started by `createUseEmbedder` through the worker pool.
 */

import { serveRequests } from '../core/worker-protocol.js';
import { createUseModel } from './use-model.js';

const model = createUseModel();

serveRequests<readonly string[], Float32Array>(async (texts) => {
  const vectors = await model.embed(texts);
  const flat = new Float32Array(vectors.reduce((sum, vector) => sum + vector.length, 0));
  let offset = 0;
  for (const vector of vectors) {
    flat.set(vector, offset);
    offset += vector.length;
  }
  return { result: flat, transfer: [flat.buffer] };
}, 'EMBEDDING_ERROR');
