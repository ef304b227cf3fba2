/**
 * Screenshots of the web page for the README (issue 12): fills a temporary memory with the browser test's
 * episodes (real tau-bench retail tasks), serves it with `startHttpServer` on a free port and photographs the
 * episode view, the patterns view, the progress chart and the ask view at 1280 px, and the episodes list at
 * phone width (390 px), with Debian's chromium (never a downloaded browser). Light theme, en-US, UTC, so
 * the same code gives the same pictures.
 *
 * Usage: npx tsx scripts/screenshots.ts [out-dir]   (default docs/screenshots)
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { startHttpServer } from '../src/http/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fillWebMemory } from '../test/http/web-fixture.js';

interface Shot {
  file: string;
  route: string;
  width: number;
  height: number;
  /** What must be on screen before the picture is taken. */
  ready: string;
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? 'docs/screenshots');
  mkdirSync(outDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'slmem-shots-'));
  const memory = await fillWebMemory(join(dir, 'memory.db'));
  const server = await startHttpServer(memory, { port: 0 });
  let browser: Browser | undefined;
  try {
    // The episode shown: one that failed a step and recovered, so the timeline has both colours.
    const episodes = await memory.listEpisodes({ outcome: 'success', limit: 100 });
    const full = await Promise.all(episodes.map((e) => memory.getEpisode(e.id)));
    const shown = full.find((e) => e.steps.some((s) => s.result.status === 'error') && e.steps.length >= 3);
    if (!shown) throw new Error('no successful episode with a failed step in the fixture');
    const task = 'Cancel my pending order #W1234567 because I ordered it by mistake';
    const shots: Shot[] = [
      {
        file: 'episode.png',
        route: `#/episodes/${shown.id}`,
        width: 1280,
        height: 1300,
        ready: 'episode-timeline',
      },
      { file: 'patterns.png', route: '#/patterns', width: 1280, height: 900, ready: 'pattern-table' },
      { file: 'progress.png', route: '#/progress', width: 1280, height: 1100, ready: 'progress-chart' },
      {
        file: 'ask.png',
        route: `#/ask?task=${encodeURIComponent(task)}&domain=orders`,
        width: 1280,
        height: 1000,
        ready: 'ask-result',
      },
      { file: 'episodes-phone.png', route: '#/episodes', width: 390, height: 844, ready: 'episode-row' },
    ];
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    for (const shot of shots) {
      const context = await browser.newContext({
        viewport: { width: shot.width, height: shot.height },
        colorScheme: 'light',
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      const page = await context.newPage();
      await page.goto(`${server.url}/${shot.route}`);
      await page.getByTestId(shot.ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      const path = join(outDir, shot.file);
      await page.screenshot({ path });
      console.error(`${path}: ${Math.round(statSync(path).size / 1024)} KB`);
      await context.close();
    }
  } finally {
    await browser?.close();
    await server.close();
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
