import { type Pattern, type Step, tokenize } from '../../core/index.js';
import { type EndedEpisode, generalizeAction, isSuccessStep, memoizeText } from '../episode-utils.js';
import { observe } from './observation.js';

/** Words that mark a step as a check whose result decides what comes next. */
export const DECISION_WORDS: ReadonlySet<string> = new Set([
  'check',
  'verify',
  'validate',
  'test',
  'assert',
  'inspect',
  'lint',
  'ensure',
]);

const FOLLOW_UPS = 3;

/**
 * True when the step's tool or action holds a decision word as a whole word. Tokens are also split on `_`
 * and `-`, so `check_stock` and `validate-input` match while `validated` and `checker` do not.
 */
export function isDecisionStep(step: Pick<Step, 'tool' | 'action'>): boolean {
  // Only the tool and the action's first two words say what a step does ("npm test", "verify the build");
  // later words say what it is about ("fix the expiry check" is an edit, not a check).
  return toolDecides(step.tool) || actionDecides(step.action);
}

const decides = (tokens: readonly string[]): boolean =>
  tokens.some(
    (token) => DECISION_WORDS.has(token) || token.split(/[_-]+/).some((part) => DECISION_WORDS.has(part)),
  );
// Each step is asked about by several extractors, and tools and actions repeat across episodes.
const toolDecides = memoizeText((tool) => decides(tokenize(tool)));
const actionDecides = memoizeText((action) => decides(tokenize(action).slice(0, 2)));

export function branchOf(step: Step): 'passed' | 'failed' {
  return isSuccessStep(step) ? 'passed' : 'failed';
}

/**
 * For each check step followed by at least one step: what the next (up to 3) steps did after it. Only in a
 * successful or partial episode, as for tool sequences: what a failed one did after a check is the path to
 * avoid (its reflection says so), not a way to continue.
 */
export function extractDecisionPoints(episode: EndedEpisode): Pattern[] {
  const { steps } = episode;
  const status = episode.outcome.status;
  if (status !== 'success' && status !== 'partial') return [];
  const out: Pattern[] = [];
  steps.forEach((step, i) => {
    const next = steps.slice(i + 1, i + 1 + FOLLOW_UPS);
    if (next.length === 0 || !isDecisionStep(step)) return;
    const branch = branchOf(step);
    const following = next.map((s) => ({ tool: s.tool, action: generalizeAction(s.action) }));
    const key = `decision_point|${episode.context.domain}|${step.tool}|${branch}|${following.map((t) => t.tool).join('>')}`;
    const check = { tool: step.tool, action: generalizeAction(step.action) };
    out.push(
      observe(episode, key, { type: 'decision_point', check, branch, next: following }, [step, ...next]),
    );
  });
  return out;
}
