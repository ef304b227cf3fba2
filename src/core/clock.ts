/** Where time comes from; injected so learning and tests are deterministic. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and replays. */
export function fixedClock(start: number, stepMs = 0): Clock & { advance(ms: number): void } {
  let current = start;
  return {
    now() {
      const value = current;
      current += stepMs;
      return value;
    },
    advance(ms: number) {
      current += ms;
    },
  };
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
