import { type Episode, type Step, type Summary, topTerms } from '../core/index.js';
import { cut, distinctTools, isSuccessStep } from './episode-utils.js';

const MAX_TEXT = 300;
const MAX_TASK = 120;
const MAX_CONCEPTS = 10;
const MAX_KEY_STEPS = 5;

/**
 * A short description of an episode for lists and search: one sentence of at most 300 characters, up to
 * ten key concepts (language, framework, task terms, tools) and up to five key steps (the first, each failed
 * step and the one after it, the last).
 *
 * @example
 * summarizeEpisode(episode).text;
 * // 'debugging in web: Fix the flaky login test. Outcome: success. Tools: read_file → edit → run_tests.'
 */
export function summarizeEpisode(episode: Episode): Summary {
  return { text: summaryText(episode), keyConcepts: keyConcepts(episode), keySteps: keySteps(episode.steps) };
}

function summaryText(episode: Episode): string {
  const task = cut(episode.task, MAX_TASK).replace(/[.!?\s]+$/, '');
  const status = episode.outcome?.status ?? 'in progress';
  const head = `${episode.taskType} in ${cut(episode.context.domain, 60)}: ${task}. Outcome: ${status}.`;
  const tools = distinctTools(episode.steps).map((t) => cut(t, 40));
  // Drop tools from the end until the sentence fits, so it never ends mid-name.
  for (let n = tools.length; n > 0; n--) {
    const more = n < tools.length ? ' → …' : '';
    const text = `${head} Tools: ${tools.slice(0, n).join(' → ')}${more}.`;
    if (text.length <= MAX_TEXT) return text;
  }
  return cut(head, MAX_TEXT);
}

function keyConcepts(episode: Episode): string[] {
  const { language, framework } = episode.context;
  const terms = topTerms(episode.task, MAX_CONCEPTS);
  const tools = distinctTools(episode.steps);
  // Interleave so neither the task's words nor its tools crowd the other out.
  const candidates = [
    language,
    framework,
    ...terms.slice(0, 4),
    ...tools.slice(0, 4),
    ...terms.slice(4),
    ...tools,
  ];
  const concepts = new Set<string>();
  for (const c of candidates) {
    const concept = c?.trim().toLowerCase();
    if (concept) concepts.add(concept);
  }
  return [...concepts].slice(0, MAX_CONCEPTS);
}

function describeStep(step: Step): string {
  const action = cut(step.action, 60);
  return `${step.seq}. ${step.tool}${action ? `: ${action}` : ''} (${step.result.status})`;
}

function keySteps(steps: readonly Step[]): string[] {
  if (steps.length === 0) return [];
  // Priority order: the ends first, then each failure with the step that followed it.
  const picked = new Set<number>([0, steps.length - 1]);
  steps.forEach((step, i) => {
    if (isSuccessStep(step)) return;
    for (const j of [i, i + 1]) if (j < steps.length && picked.size < MAX_KEY_STEPS) picked.add(j);
  });
  return [...picked]
    .sort((a, b) => a - b)
    .slice(0, MAX_KEY_STEPS)
    .flatMap((i) => (steps[i] ? [describeStep(steps[i])] : []));
}
