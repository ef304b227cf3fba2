import type { EpisodeRecord } from '../src/index.js';
import type { Rng } from './rng.js';

export type RecordStep = NonNullable<EpisodeRecord['steps']>[number];

const SELECTORS = ['#search', 'button[type=submit]', 'a.next-page', '.product-item:first-child', 'nav .menu'];

/**
 * A few browser steps for a webarena intent: goto the site, then click/type/extract; one in eight episodes
 * hits a missing element first and recovers by scrolling and clicking again.
 */
export function browserSteps(site: string, task: string, rng: Rng): RecordStep[] {
  const url = `http://${site}.example/`;
  const words = task.split(/\s+/).slice(0, 4).join(' ');
  const steps: RecordStep[] = [step('goto', `open ${url}`, { url }, rng, `loaded ${url}`)];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const selector = rng.pick(SELECTORS);
    if (rng.next() < 0.5) steps.push(step('click', `click ${selector}`, { selector }, rng, 'clicked'));
    else
      steps.push(step('type', `type "${words}" into ${selector}`, { selector, text: words }, rng, 'typed'));
  }
  if (rng.next() < 0.125) {
    const selector = rng.pick(SELECTORS);
    steps.push({
      ...step('click', `click ${selector}`, { selector }, rng),
      error: `Error: element ${selector} not found`,
    });
    steps.push(step('scroll', 'scroll down', { dy: 600 }, rng, 'scrolled'));
    steps.push(step('click', `click ${selector}`, { selector }, rng, 'clicked'));
  }
  steps.push(
    step('extract', `extract the answer to "${words}"`, { selector: 'main' }, rng, `answer: ${words}`),
  );
  return steps;
}

function step(
  tool: string,
  action: string,
  params: Record<string, unknown>,
  rng: Rng,
  output?: string,
): RecordStep {
  return { tool, action, params, ...(output ? { output } : {}), latencyMs: rng.int(120, 2500) };
}
