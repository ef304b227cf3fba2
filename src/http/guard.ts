import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { MemoryError } from '../core/index.js';

/**
 * Who may reach the server, the same rules for every route of it (REST API, `/mcp`, `/metrics`): a bearer
 * token whenever it listens beyond loopback, Host and Origin checks on loopback, namespaces bound to tokens.
 */

/** Short enough to guess: a token has at least this many characters (`openssl rand -hex 32` gives 64). */
export const MIN_TOKEN_LENGTH = 16;

export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The client's address, an IPv4 client of a dual-stack socket (`::ffff:10.0.0.7`) as plain IPv4. */
export function clientAddress(socket: { remoteAddress?: string | undefined }): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** Refuses to serve the memory beyond this machine without a token, or with a short one (INVALID_INPUT). */
export function checkHttpExposure(options: { host: string; token?: string | undefined }): void {
  if (options.token && options.token.length < MIN_TOKEN_LENGTH) {
    throw new MemoryError(
      'INVALID_INPUT',
      `the token has ${options.token.length} characters; use ${MIN_TOKEN_LENGTH} at least, e.g. ` +
        'SLMEM_TOKEN=$(openssl rand -hex 32)',
    );
  }
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new MemoryError(
      'INVALID_INPUT',
      `listening on ${options.host} exposes the memory beyond this machine: set SLMEM_TOKEN or --token ` +
        '(clients then send "Authorization: Bearer <token>")',
    );
  }
}

/**
 * Checks every token a server is given before anything opens: the exposure rule for each, and that no token is
 * both the server's and a namespace's (the server's grant would win and hand that client every namespace).
 */
export function checkTokens(options: {
  host: string;
  token?: string | undefined;
  namespaceTokens?: ReadonlyArray<{ namespace: string; token: string }>;
}): void {
  const bound = options.namespaceTokens ?? [];
  for (const entry of bound) checkHttpExposure({ host: options.host, token: entry.token });
  checkHttpExposure({ host: options.host, token: options.token ?? bound[0]?.token });
  const clash = bound.find((entry) => entry.token === options.token);
  if (clash)
    throw new MemoryError(
      'INVALID_INPUT',
      `the token of namespace "${clash.namespace}" is also the server token; give each its own`,
    );
}

/** What a token lets a client reach: `null` is the server's own memory, a string one namespace. */
export interface Grant {
  namespace: string | null;
}

/**
 * The tokens a server accepts. With none (loopback only), every request is granted the server's memory.
 *
 * @example
 * const grants = new Grants('server-token-0123456789', [{ namespace: 'team-a', token: 'team-a-token-0123456' }]);
 * grants.authorize('Bearer team-a-token-0123456'); // { namespace: 'team-a' }
 */
export class Grants {
  readonly #grants: Array<{ digest: Buffer; namespace: string | null }>;

  constructor(token: string | undefined, bound: ReadonlyArray<{ namespace: string; token: string }> = []) {
    this.#grants = [
      ...(token ? [{ digest: digest(token), namespace: null }] : []),
      ...bound.map((b) => ({ digest: digest(b.token), namespace: b.namespace })),
    ];
  }

  /** The grant the `Authorization` header carries, or undefined; every token is compared, in constant time. */
  authorize(header: string | undefined): Grant | undefined {
    if (this.#grants.length === 0) return { namespace: null };
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    const sent = digest(match?.[1]?.trim() ?? '');
    let found: Grant | undefined;
    for (const grant of this.#grants)
      if (timingSafeEqual(sent, grant.digest) && match !== null) found ??= { namespace: grant.namespace };
    return found;
  }
}

/**
 * Why a request may not go on, or undefined. On loopback a page in a browser may reach the port under another
 * name (DNS rebinding: only loopback Host names), and a page on another site may still send requests to it
 * (only this server's own origins, or none: not a browser).
 */
export function refusal(
  listening: { host: string; port: number },
  headers: { host: string | undefined; origin: string | undefined },
): string | undefined {
  if (!isLoopbackHost(listening.host)) return undefined;
  if (!isLoopbackHost(hostnameOf(headers.host))) return 'unexpected Host header';
  if (!allowedOrigin(headers.origin, listening.port)) return 'unexpected Origin header';
  return undefined;
}

/** Hashing first gives both sides the same length, which `timingSafeEqual` needs, without leaking it. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Absent (not a browser), or http(s) on a loopback name and this server's port. */
function allowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) &&
    Number(url.port || defaultPort) === port
  );
}

function hostnameOf(header: string | undefined): string {
  if (!header) return '';
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] ?? '');
}
