import { connect, type Socket } from 'node:net';

/** A client on a bare socket, for what `fetch` cannot do: send a request slowly, in part, or not at all. */
export interface RawClient {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves once the server has sent `text` (rejects if the connection closes first). */
  waitFor(text: string): Promise<void>;
  /** Resolves when the connection closes: what the server sent, and how long after connecting. */
  closed: Promise<{ text: string; afterMs: number }>;
  /** Writes `text` a character at a time, one every `everyMs`, until the connection closes. */
  drip(text: string, everyMs?: number): void;
}

export function rawClient(port: number, host = '127.0.0.1'): Promise<RawClient> {
  const socket = connect(port, host);
  const started = Date.now();
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  // A reset after the server's answer is part of what these tests provoke.
  socket.on('error', () => {});
  const closed = new Promise<{ text: string; afterMs: number }>((done) =>
    socket.once('close', () => done({ text, afterMs: Date.now() - started })),
  );
  const client: RawClient = {
    socket,
    received: () => text,
    closed,
    waitFor: (wanted) =>
      new Promise((done, fail) => {
        const check = () => {
          if (!text.includes(wanted)) return;
          socket.off('data', check);
          done();
        };
        socket.on('data', check);
        closed.then(() => fail(new Error(`closed before "${wanted}"; got: ${text}`)));
        check();
      }),
    drip(input, everyMs = 100) {
      let i = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || i >= input.length) clearInterval(timer);
        else socket.write(input[i++] as string);
      }, everyMs);
      socket.once('close', () => clearInterval(timer));
    },
  };
  return new Promise((done, fail) => {
    socket.once('connect', () => done(client));
    socket.once('error', fail);
  });
}

/** The head of a request to the server at `port`, ending with the blank line. */
export function requestHead(method: string, path: string, port: number, headers: string[] = []): string {
  return [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...headers, '', ''].join('\r\n');
}
