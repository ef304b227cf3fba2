import type { Step } from '../core/index.js';
import { compareText, generalizeAction, groupRepeats, isSuccessStep } from './episode-utils.js';

/**
 * The type of a parameter value as a slot, so that two calls of a tool on different orders, people or dates
 * read the same: `<email>`, `<date>`, `<id>`, `<code>`, `<amount>`, `<number>`, `<bool>`, `<text>`, `<list>`
 * and `<object>`.
 *
 * @example
 * slotOf('#W2378156'); // '<id>'
 * slotOf('kenji.tanaka@gmail.com'); // '<email>'
 */
export function slotOf(value: unknown): string {
  if (typeof value === 'boolean') return '<bool>';
  if (typeof value === 'number') return Number.isInteger(value) ? '<number>' : '<amount>';
  if (Array.isArray(value)) return '<list>';
  if (value === null || value === undefined) return '<empty>';
  if (typeof value === 'object') return '<object>';
  const text = String(value).trim();
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return '<email>';
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) return '<date>';
  if (/^[$€£]?\s?-?\d[\d,]*(\.\d+)?$/.test(text))
    return text.replace(/[$€£,\s]/g, '').includes('.') ? '<amount>' : '<number>';
  if (/^[#@]?[\p{L}_-]*\d[\p{L}\p{N}_\-.:]*$/u.test(text) && /\d{3,}|[0-9a-f]{8,}/i.test(text)) return '<id>';
  if (/^[A-Z0-9][A-Z0-9_-]{1,15}$/.test(text)) return '<code>';
  return '<text>';
}

/** A step's parameters as slots, keys sorted: `order_id=<id>, reason=<text>`. */
export function abstractParams(params: Readonly<Record<string, unknown>>): string {
  return Object.keys(params)
    .sort(compareText)
    .map((key) => `${key}=${slotOf(params[key])}`)
    .join(', ');
}

/** What a step does, comparable across tasks: its tool and the shape of its parameters. */
export function stepSignature(step: Pick<Step, 'tool' | 'params'>): string {
  return `${step.tool}(${Object.keys(step.params).sort(compareText).join(',')})`;
}

/** One step of an episode as the playbook compares it. */
export interface StepUnit {
  tool: string;
  signature: string;
  /** The action with identifiers generalised, or the parameters as slots when there is no action. */
  action: string;
  /** Successful calls in a row that this unit stands for (a batch of look-ups, one write per item). */
  calls: number;
}

/**
 * What an episode did that worked, as comparable units: its successful steps in order, with a tool called
 * several times in a row (a retry, a batch of look-ups) kept once. Failed calls are left out: a step that
 * failed is not a step to repeat.
 */
export function workedSteps(steps: readonly Step[]): StepUnit[] {
  return groupRepeats(steps.filter(isSuccessStep)).flatMap((group) => {
    const first = group[0];
    if (!first) return [];
    // With parameters, their slots say what to pass without naming another task's customer or order.
    const params = abstractParams(first.params);
    return [
      {
        tool: first.tool,
        signature: stepSignature(first),
        action: params !== '' ? params : generalizeAction(first.action),
        calls: group.length,
      },
    ];
  });
}
