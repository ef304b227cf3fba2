import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import { createEmbeddingProvider, embeddingsConfigFromEnv } from '../../src/embeddings/index.js';
import { DEFAULT_EMBEDDINGS_PROVIDER } from '../../src/embeddings/resolve.js';
import { SelfLearningMemory } from '../../src/memory/index.js';

function invalid(run: () => unknown): MemoryError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe('INVALID_INPUT');
    return error as MemoryError;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('createEmbeddingProvider', () => {
  it('builds the USE provider without loading its model', () => {
    const provider = createEmbeddingProvider({ provider: 'use' });
    expect([provider.id, provider.dimensions]).toEqual(['use-lite-512', 512]);
  });

  it('gives the USE provider its worker count, refusing one that is not a whole number', () => {
    expect(createEmbeddingProvider({ provider: 'use', workers: 0 }).id).toBe('use-lite-512');
    expect(invalid(() => createEmbeddingProvider({ provider: 'use', workers: -1 })).message).toMatch(
      /^workers must be a whole number from 0/,
    );
  });

  it('builds the hash provider, 384 dimensions unless told otherwise', () => {
    expect(createEmbeddingProvider({ provider: 'hash' }).id).toBe('hash-v1-384');
    expect(createEmbeddingProvider({ provider: 'hash', dimensions: 128 }).dimensions).toBe(128);
  });

  it('defaults openai to OpenAI text-embedding-3-small with 1536 dimensions', () => {
    const provider = createEmbeddingProvider({ provider: 'openai' }, {});
    expect(provider.id).toBe('openai:text-embedding-3-small@api.openai.com');
    expect(provider.dimensions).toBe(1536);
  });

  it('points openai at a local server with the key from the named variable', () => {
    const config = {
      provider: 'openai',
      url: 'http://127.0.0.1:11434/v1',
      model: 'nomic-embed-text',
      dimensions: 768,
    } as const;
    const provider = createEmbeddingProvider({ ...config, keyEnv: 'MY_KEY' }, { MY_KEY: 'k' });
    expect(provider.id).toBe('openai:nomic-embed-text@127.0.0.1:11434');
    expect(provider.dimensions).toBe(768);
  });

  it('requires a model for transformers', () => {
    expect(invalid(() => createEmbeddingProvider({ provider: 'transformers' })).message).toMatch(
      /needs a model/,
    );
    expect(
      createEmbeddingProvider({ provider: 'transformers', model: 'Xenova/all-MiniLM-L6-v2' }).dimensions,
    ).toBe(384);
  });

  it('rejects a dimension USE does not have', () => {
    invalid(() => createEmbeddingProvider({ provider: 'use', dimensions: 256 }));
  });
});

describe('the default provider', () => {
  it('is hash, declared once', () => {
    expect(DEFAULT_EMBEDDINGS_PROVIDER).toBe('hash');
    expect(createEmbeddingProvider().id).toBe('hash-v1-384');
  });

  it('is what a memory opened without embeddings options uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slmem-default-embeddings-'));
    try {
      const memory = await SelfLearningMemory.open({ db: join(dir, 'memory.db') });
      expect((await memory.stats()).embeddings?.provider).toBe('hash-v1-384');
      await memory.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embeddingsConfigFromEnv', () => {
  it('defaults to hash, treating empty variables as unset', () => {
    expect(embeddingsConfigFromEnv({})).toEqual({ provider: 'hash' });
    expect(embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS: '', SLMEM_EMBEDDINGS_MODEL: ' ' })).toEqual({
      provider: 'hash',
    });
  });

  it('still selects the local sentence encoder by name', () => {
    expect(embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS: 'use' })).toEqual({ provider: 'use' });
  });

  it('reads every variable', () => {
    const config = embeddingsConfigFromEnv({
      SLMEM_EMBEDDINGS: 'openai',
      SLMEM_EMBEDDINGS_MODEL: 'nomic-embed-text',
      SLMEM_EMBEDDINGS_URL: 'http://127.0.0.1:11434/v1',
      SLMEM_EMBEDDINGS_KEY_ENV: 'OLLAMA_KEY',
      SLMEM_EMBEDDINGS_DIMENSIONS: '768',
      SLMEM_EMBEDDINGS_WORKERS: '2',
      UNRELATED: 'x',
    });
    expect(config).toEqual({
      provider: 'openai',
      model: 'nomic-embed-text',
      url: 'http://127.0.0.1:11434/v1',
      keyEnv: 'OLLAMA_KEY',
      dimensions: 768,
      workers: 2,
    });
    expect(embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS: 'use', SLMEM_EMBEDDINGS_WORKERS: '0' })).toEqual({
      provider: 'use',
      workers: 0,
    });
  });

  it('names the variable and what it accepts when a value is bad', () => {
    expect(invalid(() => embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS: 'bert' })).message).toBe(
      'SLMEM_EMBEDDINGS must be one of use, hash, openai, transformers (got "bert")',
    );
    expect(invalid(() => embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS_DIMENSIONS: '-3' })).message).toMatch(
      /^SLMEM_EMBEDDINGS_DIMENSIONS must be a whole number from 1 to 65536/,
    );
    expect(invalid(() => embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS_URL: 'ftp://host' })).message).toMatch(
      /^SLMEM_EMBEDDINGS_URL must be an http\(s\) URL/,
    );
    expect(invalid(() => embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS_KEY_ENV: 'MY KEY' })).message).toMatch(
      /^SLMEM_EMBEDDINGS_KEY_ENV must be the name of an environment variable/,
    );
    expect(invalid(() => embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS_WORKERS: 'two' })).message).toMatch(
      /^SLMEM_EMBEDDINGS_WORKERS must be a whole number of worker threads from 0/,
    );
  });
});
