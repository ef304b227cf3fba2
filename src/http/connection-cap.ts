import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress } from './guard.js';

/** A refused client may still be sending; it gets this long to read the answer before its socket goes. */
const LINGER_MS = 1_000;
const RETRY_AFTER_S = 5;

/**
 * Lets each client address hold at most `max` open connections. The next one is answered at once, 429 with
 * `Retry-After` and `Connection: close`, and closed, without reaching the HTTP parser: a refused client cannot
 * send a request that runs. A slot frees when a connection closes. Returns what destroys the refused sockets
 * still lingering, for the server's shutdown.
 */
export function capConnectionsPerClient(
  server: Server,
  max: number,
  log: (message: string) => void,
): () => void {
  const open = new Map<string, number>();
  const lingering = new Set<Socket>();
  // Logged once each time an address reaches the cap, not once per refused connection: a flood is one line.
  const atCap = new Set<string>();
  // Node's HTTP server takes its connections through its own 'connection' listener; it runs only for those let in.
  const serveHttp = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = clientAddress(socket);
    const count = open.get(address) ?? 0;
    if (count >= max) {
      if (!atCap.has(address)) {
        atCap.add(address);
        log(`slmem: ${address} reached the cap of ${max} open connections per client; refusing more (429)`);
      }
      refuse(socket, max, lingering);
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
      if (left < max) atCap.delete(address);
    });
    for (const listener of serveHttp) listener.call(server, socket);
  });
  return () => {
    for (const socket of lingering) socket.destroy();
  };
}

function refuse(socket: Socket, max: number, lingering: Set<Socket>): void {
  const body = `this address already holds ${max} connections to the server; close one and retry\n`;
  socket.on('error', () => {});
  socket.end(
    'HTTP/1.1 429 Too Many Requests\r\n' +
      `Retry-After: ${RETRY_AFTER_S}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // Read and drop what the client sends meanwhile: closing with unread input would reset the connection, and a
  // client may then lose the answer before reading it.
  socket.resume();
  lingering.add(socket);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
    lingering.delete(socket);
  });
}
