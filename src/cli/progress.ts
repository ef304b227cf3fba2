import { formatDuration, type Terminal } from './format.js';

export interface Progress {
  update(done: number, total: number): void;
  /** Clears the bar; the caller prints the summary. */
  finish(): void;
}

const NO_PROGRESS: Progress = { update: () => {}, finish: () => {} };
const REDRAW_MS = 80;

/** A one-line bar redrawn in place on stderr; nothing at all when stderr is not a terminal. */
export function createProgress(stderr: Terminal, label: string, now: () => number = Date.now): Progress {
  if (!stderr.isTTY) return NO_PROGRESS;
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
