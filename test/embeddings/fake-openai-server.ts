import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHashEmbedder } from '../../src/embeddings/index.js';

/** One request the server received. */
export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model: string; input: string[]; dimensions?: number };
}

/** What to answer: a status, headers and body; `'hang'` never answers; undefined gives the normal answer. */
export type Reply = { status: number; headers?: Record<string, string>; body: unknown } | 'hang' | undefined;

export interface FakeServerOptions {
  /** Length of the vectors the server returns; 32 by default. */
  dimensions?: number;
  /** Return `data` in reverse order, as the protocol allows. */
  shuffle?: boolean;
  /** Decides the reply to the nth request (from 0). */
  reply?: (request: RecordedRequest, n: number) => Reply;
}

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI embeddings protocol, with vectors from the hash
 * embedder so they are deterministic.
 */
export async function startFakeServer(options: FakeServerOptions = {}) {
  const embedder = createHashEmbedder({ dimensions: options.dimensions ?? 32 });
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', async () => {
      const request: RecordedRequest = { path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) };
      requests.push(request);
      const reply = options.reply?.(request, requests.length - 1);
      if (reply === 'hang') return;
      if (reply) {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
        return;
      }
      const vectors = await embedder.embed(request.body.input);
      const data = vectors.map((vector, index) => ({ object: 'embedding', index, embedding: [...vector] }));
      if (options.shuffle) data.reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ object: 'list', data, model: request.body.model, usage: { prompt_tokens: 1 } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `sleep` that only records the delays asked for, so retry tests run instantly. */
export function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { delays, sleep };
}
