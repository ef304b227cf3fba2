import { describe, expect, it } from 'vitest';
import { createStyle, type Terminal } from '../../src/cli/format.js';
import { createProgress } from '../../src/cli/progress.js';

function fakeStderr(isTTY: boolean): Terminal & { text: () => string } {
  let text = '';
  const write = (chunk: string) => {
    text += chunk;
  };
  return {
    stream: process.stderr,
    isTTY,
    width: 100,
    style: createStyle(false),
    write,
    line: (line = '') => write(`${line}\n`),
    text: () => text,
  };
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describe('createProgress when stderr is not a terminal', () => {
  it('prints plain lines at most every 2 s, then the total and the duration', () => {
    const stderr = fakeStderr(false);
    const clock = manualClock();
    const progress = createProgress(stderr, 'Importing', clock.now);
    clock.advance(500);
    progress.update(100, 500); // too soon for a line
    clock.advance(1_600);
    progress.update(200, 500);
    clock.advance(100);
    progress.update(300, 500);
    clock.advance(300);
    progress.update(500, 500); // left to finish
    progress.finish();
    expect(stderr.text()).toBe('Importing: 200/500 (40%)\nImporting: 500/500 in 2.5 s\n');
  });

  it('says nothing about a phase with nothing to do', () => {
    const stderr = fakeStderr(false);
    const progress = createProgress(stderr, 'Embedding patterns');
    progress.update(0, 0);
    progress.finish();
    expect(stderr.text()).toBe('');
  });
});

describe('createProgress on a terminal', () => {
  it('redraws one bar in place and clears it at the end', () => {
    const stderr = fakeStderr(true);
    const clock = manualClock();
    const progress = createProgress(stderr, 'Importing', clock.now);
    clock.advance(1_000);
    progress.update(250, 500);
    progress.finish();
    const text = stderr.text();
    expect(text.startsWith('\r\u001b[2KImporting ')).toBe(true);
    expect(text).toContain('250/500');
    expect(text).toContain('1.0 s left');
    expect(text.endsWith('\r\u001b[2K')).toBe(true);
    expect(text).not.toContain('\n');
  });
});
