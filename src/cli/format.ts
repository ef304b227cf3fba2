/** Human output: ANSI styles only on a terminal without NO_COLOR, wrapping and column helpers. */

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

export type StyleName = keyof typeof CODES;
export type Style = Record<StyleName, (text: string) => string>;

export function createStyle(enabled: boolean): Style {
  const style = {} as Style;
  for (const [name, [open, close]] of Object.entries(CODES) as Array<
    [StyleName, readonly [number, number]]
  >) {
    style[name] = enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
  }
  return style;
}

/** A stream we print to, with what we know about it. */
export interface Terminal {
  readonly stream: NodeJS.WritableStream;
  readonly isTTY: boolean;
  /** Columns to wrap at: the terminal's width (capped for readability), 100 when not a terminal. */
  readonly width: number;
  readonly style: Style;
  write(text: string): void;
  line(text?: string): void;
}

export function createTerminal(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv,
): Terminal {
  const isTTY = stream.isTTY === true;
  const color = isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  const width = isTTY && stream.columns ? Math.max(40, Math.min(stream.columns, 120)) : 100;
  return {
    stream,
    isTTY,
    width,
    style: createStyle(color),
    write: (text) => void stream.write(text),
    line: (text = '') => void stream.write(`${text}\n`),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI_RE = /\u001b\[[0-9;]*m/g;

/** Length as shown on screen: escape codes take no columns. */
export function visibleLength(text: string): number {
  return text.replace(ANSI_RE, '').length;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleLength(text))) + text;
}

/** One line of at most `max` characters, whitespace collapsed, an ellipsis where it was cut. */
export function oneLine(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** Word-wraps plain text to `width` columns; every line starts with `indent`, the first with `first`. */
export function wrap(text: string, width: number, indent = '', first = indent): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let current = first;
  let empty = true;
  for (const word of words) {
    const room = width - visibleLength(current) - (empty ? 0 : 1);
    if (!empty && word.length > room) {
      lines.push(current);
      current = indent + word;
    } else {
      current += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(current);
  return lines;
}

export function formatScore(score: number): string {
  return score.toFixed(2);
}

export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** `2026-01-01T13:00:00.000Z` → `2026-01-01 13:00` (UTC). */
export function formatTime(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function heading(t: Terminal, text: string): void {
  t.line(t.style.bold(text));
}

/** Rows of cells as aligned columns; the last column takes the rest of the width and is cut to one line. */
export function columns(t: Terminal, header: string[], rows: string[][], indent = ''): void {
  const widths = header.map((h, i) =>
    i === header.length - 1 ? 0 : Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const lead = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, indent.length);
  const rest = Math.max(20, t.width - lead);
  const render = (cells: string[], dim: boolean) => {
    const text = cells
      .map((cell, i) => (i === cells.length - 1 ? oneLine(cell, rest) : padEnd(cell, widths[i] ?? 0)))
      .join('  ');
    t.line(indent + (dim ? t.style.dim(text) : text));
  };
  render(header, true);
  for (const row of rows) render(row, false);
}
