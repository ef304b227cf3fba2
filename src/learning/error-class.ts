import { contentTokens, type Step } from '../core/index.js';
import { memoizeText } from './episode-utils.js';

const ERROR_NAME_RE = /\b[A-Z][A-Za-z]*(?:Error|Exception)\b/;
const ERRNO_RE = /\bE[A-Z]{3,}\b/g;
/** Upper-case words that look like errno codes but are not. */
const NOT_ERRNO = new Set(['ERROR', 'ERRORS', 'EXCEPTION', 'EXIT', 'EMPTY', 'EXPECTED']);
/** A 4xx/5xx number, unless a unit follows it ("after 500 ms" is not an HTTP status). */
const HTTP_RE = /\b([45]\d\d)\b(?!\s*(?:(?:ms|s|sec|secs|seconds|min|minutes|bytes|kb|mb|gb|lines?)\b|%))/i;

const PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\btimed?[\s_-]?out\b/i, 'timeout'],
  [/\b(?:permission|access) denied\b/i, 'permission_denied'],
  [/\bnot found\b|\bno such file\b|\bdoes not exist\b/i, 'not_found'],
  [/\bsyntax error\b/i, 'syntax_error'],
  [/\bconnection refused\b/i, 'connection_refused'],
  [/\brate[\s_-]?limit(?:ed|s)?\b|\btoo many requests\b/i, 'rate_limit'],
];

const QUOTED_RE = /(["'`])(?:(?!\1).)*\1/g;
const URL_RE = /\b[a-z][\w+.-]*:\/\/\S+/gi;
const PATH_RE = /(?:[A-Za-z]:)?[\w.~-]*[\\/][\w.~\\/-]*/g;
const HEX_RE = /\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)[0-9a-f]{6,}\b/gi;

/**
 * A stable, short class for an error message, so the same failure seen twice yields one pattern key.
 * In order: a JS-style error name (`TypeError`), an errno code (`ENOENT`), an HTTP status (`http_404`), a
 * known phrase (`timeout`, `permission_denied`, `not_found`, `syntax_error`, `connection_refused`,
 * `rate_limit`), else the first four content words in snake_case with quoted values, paths, hex and digits
 * stripped; `unknown` when nothing is left.
 *
 * @example
 * classifyError("TypeError: cannot read properties of undefined (reading 'x')"); // 'TypeError'
 * classifyError('Request failed with status 404'); // 'http_404'
 * classifyError("Module '/src/a.ts' has no default export"); // 'module_default_export'
 */
export function classifyError(message: string): string {
  return classified(message);
}

const classified = memoizeText((message) => {
  const text = message.trim();
  if (text === '') return 'unknown';
  const name = ERROR_NAME_RE.exec(text);
  if (name) return name[0];
  const errno = [...text.matchAll(ERRNO_RE)].find((m) => !NOT_ERRNO.has(m[0]));
  if (errno) return errno[0];
  const http = HTTP_RE.exec(text);
  if (http?.[1]) return `http_${http[1]}`;
  for (const [re, cls] of PHRASES) if (re.test(text)) return cls;
  const stripped = text
    .replace(QUOTED_RE, ' ')
    .replace(URL_RE, ' ')
    .replace(PATH_RE, ' ')
    .replace(HEX_RE, ' ')
    .replace(/\d+/g, ' ');
  const words = contentTokens(stripped.replace(/_/g, ' ')).slice(0, 4);
  return words.length === 0 ? 'unknown' : words.join('_');
});

/** The error class of a failed step: `timeout` for timeouts, `classifyError` of the message otherwise. */
export function stepErrorClass(step: Step): string {
  switch (step.result.status) {
    case 'timeout':
      return 'timeout';
    case 'error':
      return classifyError(step.result.message);
    case 'success':
      return '';
  }
}
