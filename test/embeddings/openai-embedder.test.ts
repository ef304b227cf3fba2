import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/core/index.js';
import {
  cosine,
  createHashEmbedder,
  createOpenAiEmbedder,
  type OpenAiEmbedderOptions,
} from '../../src/embeddings/index.js';
import { runEmbeddingContract } from './embedding-contract.js';
import { type FakeServerOptions, recordingSleep, startFakeServer } from './fake-openai-server.js';

const KEY = 'sk-test-very-secret-123';
let server: Awaited<ReturnType<typeof startFakeServer>> | undefined;

async function serve(options: FakeServerOptions = {}) {
  server = await startFakeServer(options);
  return server;
}

function embedder(baseUrl: string, options: Partial<OpenAiEmbedderOptions> = {}) {
  return createOpenAiEmbedder({
    baseUrl,
    model: 'test-embed',
    dimensions: 32,
    random: () => 0.5,
    ...options,
  });
}

/** The rejection of `promise`, asserted to be an EMBEDDING_ERROR. */
async function failure(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe('EMBEDDING_ERROR');
  return error as MemoryError;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('contract', () => {
  let shared: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    shared = await startFakeServer({ shuffle: true });
  });
  afterAll(() => shared.close());
  runEmbeddingContract('openai embedder', () => embedder(shared.baseUrl));
});

describe('createOpenAiEmbedder', () => {
  it('splits 150 texts into requests of at most 64 and keeps their order when data comes back shuffled', async () => {
    const { baseUrl, requests } = await serve({ shuffle: true });
    const texts = Array.from({ length: 150 }, (_, i) => `task number ${i} about kettles and refunds`);
    const vectors = await embedder(baseUrl).embed(texts);
    expect(requests.map((r) => r.body.input.length)).toEqual([64, 64, 22]);
    const expected = await createHashEmbedder({ dimensions: 32 }).embed(texts);
    vectors.forEach((vector, i) => {
      expect(cosine(vector, expected[i]!)).toBeCloseTo(1, 5);
    });
  });

  it('sends the model, the bearer key and `dimensions` only when asked', async () => {
    const { baseUrl, requests } = await serve();
    await embedder(baseUrl, { apiKey: KEY }).embed(['a kettle']);
    await embedder(baseUrl, { sendDimensions: true }).embed(['a kettle']);
    expect(requests[0]).toMatchObject({
      path: '/v1/embeddings',
      body: { model: 'test-embed', input: ['a kettle'] },
    });
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(requests[0]!.body).not.toHaveProperty('dimensions');
    expect(requests[1]!.headers.authorization).toBeUndefined();
    expect(requests[1]!.body.dimensions).toBe(32);
  });

  it('names the model and the host in its id', async () => {
    const { baseUrl, port } = await serve();
    expect(embedder(baseUrl).id).toBe(`openai:test-embed@127.0.0.1:${port}`);
    expect(embedder(baseUrl, { sendDimensions: true }).id).toBe(`openai:test-embed@127.0.0.1:${port}/32`);
  });

  it('retries a 429 after the Retry-After seconds, or after a backoff without it', async () => {
    const { baseUrl, requests } = await serve({
      reply: (_, n) =>
        n === 0
          ? { status: 429, headers: { 'retry-after': '2' }, body: {} }
          : n === 1
            ? { status: 429, body: {} }
            : undefined,
    });
    const { delays, sleep } = recordingSleep();
    const vectors = await embedder(baseUrl, { sleep }).embed(['a kettle']);
    expect(vectors).toHaveLength(1);
    expect(requests).toHaveLength(3);
    // Retry-After: 2 s; then the second backoff step (1000 ms) with jitter 0.5 → 750 ms.
    expect(delays).toEqual([2000, 750]);
  });

  it('gives up after maxRetries + 1 answers of 500, backing off exponentially', async () => {
    const { baseUrl, requests } = await serve({
      reply: () => ({ status: 500, body: { error: { message: 'overloaded' } } }),
    });
    const { delays, sleep } = recordingSleep();
    const error = await failure(embedder(baseUrl, { sleep, maxRetries: 3 }).embed(['a kettle']));
    expect(requests).toHaveLength(4);
    expect(delays).toEqual([375, 750, 1500]);
    expect(error.message).toMatch(/HTTP 500: overloaded.*4 attempts/);
  });

  it('fails at once on 401 without retrying, and never shows the key', async () => {
    const { baseUrl, requests } = await serve({
      reply: () => ({ status: 401, body: { error: { message: `bad key ${KEY}` } } }),
    });
    const { delays, sleep } = recordingSleep();
    const error = await failure(embedder(baseUrl, { apiKey: KEY, sleep }).embed(['a kettle']));
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(error.message).toContain('rejected the API key (HTTP 401)');
    expect(error.message).toContain('--embeddings-key-env');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(KEY);
  });

  it('redacts the key when a server echoes it in a 400', async () => {
    const { baseUrl } = await serve({
      reply: () => ({ status: 400, body: { error: { message: `input rejected for ${KEY}` } } }),
    });
    const error = await failure(embedder(baseUrl, { apiKey: KEY }).embed(['a kettle']));
    expect(error.message).toContain('input rejected for ***');
    expect(error.message).not.toContain(KEY);
  });

  it('says which URL was not found on 404', async () => {
    const { baseUrl } = await serve({ reply: () => ({ status: 404, body: 'Not Found' }) });
    const error = await failure(embedder(baseUrl).embed(['a kettle']));
    expect(error.message).toContain(`model or URL not found: ${baseUrl}/embeddings`);
  });

  it('times out a server that never answers', async () => {
    const { baseUrl, requests } = await serve({ reply: () => 'hang' });
    const { sleep } = recordingSleep();
    const error = await failure(
      embedder(baseUrl, { timeoutMs: 200, maxRetries: 1, sleep }).embed(['a kettle']),
    );
    expect(requests).toHaveLength(2);
    expect(error.message).toMatch(/did not answer within 200 ms/);
  });

  it('reports a server that cannot be reached', async () => {
    const { baseUrl, close } = await serve();
    await close();
    server = undefined;
    const error = await failure(embedder(baseUrl, { maxRetries: 0 }).embed(['a kettle']));
    expect(error.message).toMatch(/could not reach .*ECONNREFUSED/);
  });

  it('rejects vectors of the wrong size', async () => {
    const { baseUrl } = await serve({ dimensions: 16 });
    const error = await failure(embedder(baseUrl).embed(['a kettle']));
    expect(error.message).toMatch(/16 dimensions; it promised 32/);
  });

  it('rejects a body that is not an embeddings response', async () => {
    const { baseUrl } = await serve({
      reply: (_, n) => ({ status: 200, body: n === 0 ? { result: [] } : '<html>' }),
    });
    const provider = embedder(baseUrl);
    for (let i = 0; i < 2; i++) {
      const error = await failure(provider.embed(['a kettle']));
      expect(error.message).toContain("the server's response is not an OpenAI embeddings response");
    }
  });

  it('gives empty texts the zero vector without sending them', async () => {
    const { baseUrl, requests } = await serve();
    const vectors = await embedder(baseUrl).embed(['', 'a kettle', '  ']);
    expect(requests.map((r) => r.body.input)).toEqual([['a kettle']]);
    expect([...vectors[0]!].every((x) => x === 0)).toBe(true);
    expect(Math.hypot(...vectors[1]!)).toBeCloseTo(1, 5);
  });
});
