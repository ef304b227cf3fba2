import { formatDuration, type Terminal } from './format.js';

export interface Progress {
  update(done: number, total: number): void;
  /** Ends the phase: clears the bar on a terminal, prints the phase's count and duration elsewhere. */
  finish(): void;
}

const REDRAW_MS = 80;
/** Often enough to show a long phase is moving, rarely enough to keep a CI log short. */
const LINE_EVERY_MS = 2_000;

/**
 * Progress on stderr. On a terminal, a one-line bar redrawn in place. Elsewhere (a pipe, a log file, CI),
 * where a redrawn line would pile up as garbage, plain lines: `label: 200/500 (40%)` at most every 2 s, and
 * `label: 500/500 in 1.2 s` when the phase ends. A phase with nothing to do prints nothing.
 *
 * @example
 * const progress = createProgress(cli.stderr, 'Importing');
 * await memory.importEpisodes(records, { onProgress: progress.update });
 * progress.finish();
 */
export function createProgress(stderr: Terminal, label: string, now: () => number = Date.now): Progress {
  return stderr.isTTY ? createBar(stderr, label, now) : createLines(stderr, label, now);
}

function createBar(stderr: Terminal, label: string, now: () => number): Progress {
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (done < total && t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const barWidth = Math.max(10, Math.min(40, stderr.width - label.length - 40));
      const filled = Math.round(ratio * barWidth);
      const bar = `${'█'.repeat(filled)}${stderr.style.dim('░'.repeat(barWidth - filled))}`;
      const elapsed = t - started;
      const eta =
        done > 0 && done < total ? ` · ${formatDuration((elapsed / done) * (total - done))} left` : '';
      stderr.write(`\r\u001b[2K${label} ${bar} ${done}/${total}${stderr.style.dim(eta)}`);
      drawn = true;
    },
    finish() {
      if (drawn) stderr.write('\r\u001b[2K');
    },
  };
}

function createLines(stderr: Terminal, label: string, now: () => number): Progress {
  const started = now();
  let lastLine = started;
  let last = { done: 0, total: 0 };
  return {
    update(done, total) {
      last = { done, total };
      const t = now();
      // The last count is left to `finish`, which adds the duration.
      if (done >= total || t - lastLine < LINE_EVERY_MS) return;
      lastLine = t;
      stderr.line(`${label}: ${done}/${total} (${Math.floor((done / total) * 100)}%)`);
    },
    finish() {
      if (last.total === 0) return;
      stderr.line(`${label}: ${last.done}/${last.total} in ${formatDuration(now() - started)}`);
    },
  };
}
