import { chromium } from 'playwright-core';
// Debian's chromium and the flags issue 12 names, as the browser test and the screenshots use them.
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/http/web-fixture.js';
import { percentile } from './measure.js';

/** A view of the page and the element that says it is drawn. */
export interface PageTarget {
  name: string;
  /** The hash route, e.g. `/episodes`. */
  route: string;
  testid: string;
}

export interface PageStats {
  name: string;
  n: number;
  /** Milliseconds from navigation start to the frame that first shows the element. */
  median: number;
  min: number;
  max: number;
  /** The same, to the element entering the DOM (before layout and paint). */
  medianInDom: number;
  loadsMs: number[];
}

const ERROR = '[data-testid="error"]';

/** What the watcher leaves on the page's global object (the bench compiles without the DOM's types). */
interface PageGlobals {
  __slmemInDom?: number;
  __slmemFrame?: number;
  document: { querySelector(selector: string): { textContent: string | null } | null };
}

/**
 * Runs in the page before its scripts: notes `performance.now()` (ms since navigation start) when the element
 * enters the DOM, and at the next animation frame, the one that draws it; so the figure holds no round-trip to
 * the driving process. A string, as tsx compiles `const f = () => …` inside a function to `__name(…)`, a helper
 * the page does not have.
 */
const WATCH = `(testid) => {
  const selector = '[data-testid="' + testid + '"]';
  new MutationObserver(() => {
    if (window.__slmemInDom !== undefined || !document.querySelector(selector)) return;
    window.__slmemInDom = performance.now();
    requestAnimationFrame(() => { window.__slmemFrame = performance.now(); });
  }).observe(document, { childList: true, subtree: true });
}`;

/**
 * `loads` cold loads of each target (a new browser context each time: no HTTP cache, no session storage, as a
 * first visit), after one untimed load that starts the browser's processes.
 */
export async function measurePages(
  url: string,
  targets: readonly PageTarget[],
  loads: number,
): Promise<PageStats[]> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const out: PageStats[] = [];
  try {
    for (const target of targets) {
      const frames: number[] = [];
      const inDom: number[] = [];
      for (let i = -1; i < loads; i++) {
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.addInitScript({ content: `(${WATCH})(${JSON.stringify(target.testid)})` });
          await page.goto(`${url}/#${target.route}`, { waitUntil: 'commit' });
          // Functions, not strings: the page's CSP forbids eval, which a string predicate needs.
          await page.waitForFunction(
            (error) => {
              const g = globalThis as unknown as PageGlobals;
              return g.__slmemFrame !== undefined || g.document.querySelector(error) !== null;
            },
            ERROR,
            { timeout: 60_000 },
          );
          const marks = await page.evaluate((error) => {
            const g = globalThis as unknown as PageGlobals;
            return {
              frame: g.__slmemFrame,
              dom: g.__slmemInDom,
              error: g.document.querySelector(error)?.textContent,
            };
          }, ERROR);
          if (marks.frame === undefined || marks.dom === undefined)
            throw new Error(`${target.name}: the page showed an error: ${marks.error}`);
          if (i >= 0) {
            frames.push(marks.frame);
            inDom.push(marks.dom);
          }
        } finally {
          await context.close();
        }
      }
      const sorted = [...frames].sort((a, b) => a - b);
      out.push({
        name: target.name,
        n: frames.length,
        median: percentile(sorted, 50),
        min: sorted[0] ?? 0,
        max: sorted.at(-1) ?? 0,
        medianInDom: percentile(
          [...inDom].sort((a, b) => a - b),
          50,
        ),
        loadsMs: frames,
      });
    }
  } finally {
    await browser.close();
  }
  return out;
}
