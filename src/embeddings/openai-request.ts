import { MemoryError } from '../core/index.js';

/** What one POST needs: where, with which key, and how long and how often to try. */
export interface PostOptions {
  url: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

type Attempt =
  | { ok: true; body: unknown }
  | { ok: false; retryable: boolean; retryAfterMs?: number | undefined; error: MemoryError };

const BASE_DELAY_MS = 500;
/** A Retry-After beyond this is treated as this: an embedding call should not hang for an hour. */
const MAX_DELAY_MS = 60_000;

/**
 * POSTs `payload` as JSON and returns the parsed JSON body. Retries 429, 5xx, network errors and timeouts
 * with exponential backoff and jitter (or the server's Retry-After); other failures throw at once.
 */
export async function postJson(options: PostOptions, payload: unknown): Promise<unknown> {
  const body = JSON.stringify(payload);
  for (let retry = 0; ; retry++) {
    const attempt = await attemptOnce(options, body);
    if (attempt.ok) return attempt.body;
    if (!attempt.retryable || retry >= options.maxRetries) {
      const tries = retry + 1;
      const suffix = attempt.retryable ? ` (gave up after ${tries} attempt${tries === 1 ? '' : 's'})` : '';
      throw withMessage(attempt.error, redact(`${attempt.error.message}${suffix}`, options.apiKey));
    }
    const backoff = BASE_DELAY_MS * 2 ** retry;
    const delay = attempt.retryAfterMs ?? backoff / 2 + options.random() * (backoff / 2);
    await options.sleep(Math.min(delay, MAX_DELAY_MS));
  }
}

async function attemptOnce(options: PostOptions, body: string): Promise<Attempt> {
  const { url, timeoutMs } = options;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await options.fetch(url, { method: 'POST', headers, body, signal: controller.signal });
    const text = await response.text();
    if (response.ok) {
      try {
        return { ok: true, body: JSON.parse(text) };
      } catch {
        return { ok: false, retryable: false, error: notAnEmbeddingsResponse(url, 'the body is not JSON') };
      }
    }
    const retryable = response.status === 429 || response.status >= 500;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const error = httpError(options, response.status, text);
    return { ok: false, retryable, retryAfterMs, error };
  } catch (error) {
    const message = controller.signal.aborted
      ? `${shown(url)} did not answer within ${timeoutMs} ms; check that the server is up and not overloaded`
      : `could not reach ${shown(url)}: ${describe(error)}; check --embeddings-url and that the server is running`;
    return {
      ok: false,
      retryable: true,
      error: new MemoryError('EMBEDDING_ERROR', message, { cause: error }),
    };
  } finally {
    clearTimeout(timer);
  }
}

function httpError(options: PostOptions, status: number, body: string): MemoryError {
  const url = shown(options.url);
  let message: string;
  if (status === 401 || status === 403) {
    message = options.apiKey
      ? `${url} rejected the API key (HTTP ${status}); set the env var named by --embeddings-key-env to a valid key`
      : `${url} requires an API key (HTTP ${status}); put it in an env var and name it with --embeddings-key-env (default OPENAI_API_KEY)`;
  } else if (status === 404) {
    message = `model or URL not found: ${url} (model "${options.model}", HTTP 404); check --embeddings-url and --embeddings-model`;
  } else if (status === 429) {
    message = `${url} is rate limiting requests (HTTP 429); retry later or lower the batch size`;
  } else {
    message = `${url} answered HTTP ${status}: ${serverMessage(body) || 'no details'}`;
  }
  return new MemoryError('EMBEDDING_ERROR', message, { details: { status } });
}

/** The server's own explanation (`{error: {message}}` in the OpenAI dialect), shortened. */
function serverMessage(body: string): string {
  let message = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string };
    const error = parsed.error;
    if (typeof error === 'string') message = error;
    else if (typeof error?.message === 'string') message = error.message;
  } catch {
    // not JSON: show the text as it is
  }
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The error for a 2xx answer that is not what the protocol promises. */
export function notAnEmbeddingsResponse(url: string, why: string): MemoryError {
  return new MemoryError(
    'EMBEDDING_ERROR',
    `the server's response is not an OpenAI embeddings response (${why}): ${shown(url)}; check --embeddings-url`,
  );
}

/** The URL without user info, for messages. */
function shown(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

function describe(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error && 'code' in cause ? String(cause.code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}

/** Removes the key from a text, in case a server echoed it back. */
function redact(text: string, apiKey: string | undefined): string {
  return apiKey ? text.split(apiKey).join('***') : text;
}

function withMessage(error: MemoryError, message: string): MemoryError {
  return new MemoryError(error.code, message, { details: error.details, cause: error.cause });
}
