// @ts-check
/**
 * The one way the page talks to the memory: same-origin `/api/...` calls with the bearer token the user gave
 * (kept in sessionStorage, so it goes when the tab closes). Errors come back as `ApiError` with the server's
 * code and message.
 */

const TOKEN_KEY = 'slmem.token';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @returns {string | null} */
export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** @param {string | null} token */
export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage can be off (private mode); the token then lasts only until the next reload.
  }
  memoryToken = token;
}

/** @type {string | null} */
let memoryToken = null;

/** @type {(error: ApiError) => void} */
let onUnauthorized = () => {};

/** Called when any call answers 401, so the page can ask for a token. @param {(error: ApiError) => void} fn */
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

/**
 * Calls the API and returns its JSON.
 *
 * @example
 * const { episodes } = await api('/api/episodes', { query: { outcome: 'success', limit: 20 } });
 * @param {string} path
 * @param {{ method?: string, query?: Record<string, string | number | string[] | undefined>, body?: unknown, signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, options = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== '') url.searchParams.append(key, String(one));
    }
  }
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  const token = getToken() ?? memoryToken;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      0,
      'NETWORK',
      `cannot reach the memory server at ${location.origin}: is \`slmem serve\` still running?`,
    );
  }
  if (response.status === 204) return null;
  const text = await response.text();
  /** @type {any} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say: shown below with the status.
  }
  if (!response.ok) {
    const error = new ApiError(
      response.status,
      json?.error?.code ?? `HTTP_${response.status}`,
      json?.error?.message ?? (text.slice(0, 200) || response.statusText),
    );
    if (response.status === 401) onUnauthorized(error);
    throw error;
  }
  return json;
}
