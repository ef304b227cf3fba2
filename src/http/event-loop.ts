import { performance } from 'node:perf_hooks';
import { HistogramVec } from './prometheus.js';

/** 1 ms to 5 s: a healthy loop runs its timers within a few ms; a blocked one, hundreds. */
export const LOOP_DELAY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

/**
 * How late the event loop runs a timer set every `intervalMs`: what any request waits before its turn, whatever
 * its route. Kept as a cumulative histogram (never reset), so that any number of scrapers can each take the
 * difference between two of their scrapes.
 */
export class EventLoopWatch {
  readonly delays = new HistogramVec([], LOOP_DELAY_BUCKETS);
  readonly #timer: NodeJS.Timeout;

  constructor(intervalMs = 10) {
    let expected = performance.now() + intervalMs;
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.delays.observe({}, Math.max(0, now - expected) / 1000);
      expected = now + intervalMs;
    }, intervalMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
