import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress } from './guard.js';

/** What Node's default 'clientError' handler answers, by error code (400 for the rest). */
const ANSWERS: Readonly<Record<string, string>> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

interface Exchange {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
}

/**
 * One line on the log for each request the server could not read whole: a client that went away mid-body or
 * took longer than the server's timeouts, with the route, the address and why (the body read's error, which
 * the app's error handler would otherwise log as a bug with its stack, is left unlogged there). A connection
 * closed for sending its headers too slowly is one line too; one that sent nothing (a browser's spare
 * connection) and one reset between requests are not worth a line.
 */
export function logAbortedRequests(server: Server, log: (message: string) => void): void {
  const current = new WeakMap<Socket, Exchange>();
  const timedOut = new WeakSet<Socket>();
  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const socket = incoming.socket;
    current.set(socket, { incoming, outgoing });
    // Read now: a closed socket no longer knows its peer.
    const address = clientAddress(socket);
    incoming.once('close', () => {
      if (incoming.complete || outgoing.writableFinished) return;
      const why = timedOut.has(socket)
        ? `the whole request did not arrive within ${seconds(server.requestTimeout)} (408)`
        : 'the client closed the connection before the whole body arrived';
      log(`slmem: ${incoming.method} ${routeOf(incoming.url)} from ${address} aborted: ${why}`);
    });
  });
  // Listening replaces Node's default handling, which this does again: answer unless a response has begun,
  // then close.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const exchange = current.get(socket);
    const inFlight = exchange !== undefined && !exchange.outgoing.writableFinished;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      timedOut.add(socket);
      if (!inFlight && socket.bytesRead > 0)
        log(
          `slmem: a connection from ${clientAddress(socket)} closed: its request headers did not arrive ` +
            `within ${seconds(server.headersTimeout)} (408)`,
        );
    }
    if (socket.writable && !(inFlight && exchange.outgoing.headersSent))
      socket.write(`HTTP/1.1 ${ANSWERS[error.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    socket.destroy(error);
  });
}

/** The path without its query (which may be long), cut short enough for a log line. */
function routeOf(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}
