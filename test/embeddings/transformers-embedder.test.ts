import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { createTransformersEmbedder } from '../../src/embeddings/index.js';

describe('createTransformersEmbedder', () => {
  it('names the model and pooling in its id without loading anything', () => {
    const provider = createTransformersEmbedder({ model: './models/all-MiniLM-L6-v2', dimensions: 384 });
    expect(provider.id).toBe('transformers:all-MiniLM-L6-v2:mean');
    expect(provider.dimensions).toBe(384);
  });

  it('says how to install @huggingface/transformers when it is missing', async () => {
    const provider = createTransformersEmbedder({ model: 'Xenova/all-MiniLM-L6-v2', dimensions: 384 });
    const error = await provider.embed(['a kettle']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe('EMBEDDING_ERROR');
    expect((error as MemoryError).message).toBe(
      'install @huggingface/transformers (and set onnxruntime-node-install=skip in .npmrc) to use --embeddings transformers',
    );
  });
});
