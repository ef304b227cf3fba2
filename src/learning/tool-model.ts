import { contentTokens, type Episode, type ToolCount, type ToolEvidence } from '../core/index.js';
import { compareText, isSuccessStep } from './episode-utils.js';

/** Most task words one episode counts; the rest say little and would only cost writes. */
const MAX_WORDS = 40;
/** The row that counts episodes, whatever their tools. */
export const ANY_TOOL = '*';
/** The feature every episode has: its counts are the domain's prior. */
export const ANY_FEATURE = '*';
/** Pseudo-episodes that pull a rarely seen word towards the domain's prior. */
const PRIOR_WEIGHT = 2;

/**
 * A crude English stemmer for counting: enough that "exchange", "exchanged" and "exchanging" are one word.
 * Deterministic and small on purpose; FTS has its own Porter stemmer for search.
 */
export function stemWord(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'edly', 'ed', 'ies', 'es', 's', 'ly']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const stem = word.slice(0, -suffix.length);
      return suffix === 'ies' ? `${stem}y` : stem;
    }
  }
  return word;
}

/**
 * What a task says, as the features the tool model counts: its content words (stemmed, without identifiers
 * such as `#W2378156` or `txn_a8f1c2d3e4`, which never recur), its type and its language and framework.
 *
 * @example
 * taskFeatures('I want to exchange my keyboard', { taskType: 'other' }); // ['exchang', 'keyboard', 'type:other']
 */
export function taskFeatures(
  task: string,
  context: { taskType?: string; language?: string | undefined; framework?: string | undefined },
): string[] {
  const words = new Set<string>();
  for (const token of contentTokens(task)) {
    if (/\d{3,}/.test(token) || token.length > 30) continue;
    words.add(stemWord(token));
    if (words.size >= MAX_WORDS) break;
  }
  const features = [...words].sort(compareText);
  if (context.taskType !== undefined) features.push(`type:${context.taskType}`);
  if (context.language !== undefined) features.push(`lang:${context.language.toLowerCase()}`);
  if (context.framework !== undefined) features.push(`fw:${context.framework.toLowerCase()}`);
  return features;
}

/** The distinct tools an episode ran successfully, sorted: what "the episode used this tool" means here. */
export function usedTools(steps: Episode['steps']): string[] {
  return [...new Set(steps.filter(isSuccessStep).map((s) => s.tool))].sort(compareText);
}

/**
 * What one finished episode adds to the tool model: for each of its features (and the catch-all), one more
 * episode that used each of its tools, counted as a success or not. Counts only add, so the order episodes
 * arrive in does not matter and the store writes them with an upsert.
 */
export function toolEvidenceOf(episode: Episode & { outcome: { status: string } }): ToolEvidence {
  return {
    domain: episode.context.domain,
    features: [
      ANY_FEATURE,
      ...taskFeatures(episode.task, { ...episode.context, taskType: episode.taskType }),
    ],
    tools: [ANY_TOOL, ...usedTools(episode.steps)],
    success: episode.outcome.status === 'success',
  };
}

/** How strongly a task's words predict a tool in successful episodes and in failed ones. */
export interface ToolPrediction {
  tool: string;
  /** Estimated share of successful episodes of tasks like this one that used the tool, in [0, 1]. */
  success: number;
  /** The same among failed episodes. */
  failure: number;
  /** The tool's share among all successful episodes of the domain: what the words add is `success - prior`. */
  prior: number;
  /** Successful episodes behind the estimate (weighted by how much each word counts). */
  evidence: number;
}

/** The learned model's answer for one task: tools best predicted first. */
export type ToolModel = ToolPrediction[];

interface Cell {
  successes: number;
  failures: number;
}

/**
 * Predicts which tools a task will need from the counts the store kept for its features. Each word gives a
 * smoothed estimate P(tool | word, success) = (n(word, tool) + 2·prior) / (n(word) + 2); the estimates are
 * averaged with weights that favour rare words (idf) seen often enough to trust (n / (n + 2)). Words never
 * seen leave the prior. Pure; the same counts give the same model.
 *
 * @example
 * const model = predictTools(await storage.toolCounts({ domain, features }), features);
 * model[0]; // { tool: 'exchange_delivered_order_items', success: 0.81, failure: 0.4, prior: 0.3, ... }
 */
export function predictTools(counts: readonly ToolCount[], features: readonly string[]): ToolModel {
  const table = new Map<string, Map<string, Cell>>();
  for (const c of counts) {
    let row = table.get(c.feature);
    if (!row) {
      row = new Map();
      table.set(c.feature, row);
    }
    const cell = row.get(c.tool) ?? { successes: 0, failures: 0 };
    cell.successes += c.successes;
    cell.failures += c.failures;
    row.set(c.tool, cell);
  }
  const all = table.get(ANY_FEATURE);
  const total = all?.get(ANY_TOOL);
  if (!all || !total || total.successes + total.failures === 0) return [];
  const episodes = total.successes + total.failures;
  const tools = [...all.keys()].filter((t) => t !== ANY_TOOL).sort(compareText);
  const prior = (tool: string, side: keyof Cell): number => {
    const n = total[side];
    return n === 0 ? 0 : (all.get(tool)?.[side] ?? 0) / n;
  };
  const sums = new Map(tools.map((t) => [t, { success: 0, failure: 0 }]));
  let weightS = 0;
  let weightF = 0;
  let evidence = 0;
  for (const feature of new Set(features)) {
    if (feature === ANY_FEATURE) continue;
    const row = table.get(feature);
    const seen = row?.get(ANY_TOOL);
    if (!row || !seen) continue;
    const n = seen.successes + seen.failures;
    const idf = Math.log(1 + episodes / n);
    const ws = idf * (seen.successes / (seen.successes + PRIOR_WEIGHT));
    const wf = idf * (seen.failures / (seen.failures + PRIOR_WEIGHT));
    weightS += ws;
    weightF += wf;
    evidence += ws * seen.successes;
    for (const tool of tools) {
      const cell = row.get(tool);
      const sum = sums.get(tool)!;
      sum.success +=
        (ws * ((cell?.successes ?? 0) + PRIOR_WEIGHT * prior(tool, 'successes'))) /
        (seen.successes + PRIOR_WEIGHT);
      sum.failure +=
        (wf * ((cell?.failures ?? 0) + PRIOR_WEIGHT * prior(tool, 'failures'))) /
        (seen.failures + PRIOR_WEIGHT);
    }
  }
  return tools
    .map((tool) => {
      const sum = sums.get(tool)!;
      return {
        tool,
        success: weightS > 0 ? sum.success / weightS : prior(tool, 'successes'),
        failure: weightF > 0 ? sum.failure / weightF : prior(tool, 'failures'),
        prior: prior(tool, 'successes'),
        evidence: weightS > 0 ? evidence / weightS : 0,
      };
    })
    .sort((a, b) => b.success - a.success || compareText(a.tool, b.tool));
}

/**
 * How well an episode's tools match what the task's words predict, in [0, 1]: the share of the predicted
 * lift (success estimate above the domain's prior) that the episode's tools cover, less the lift of the
 * tools it used that the words argue against. Tools every episode uses weigh nothing; 0 when the words
 * predict nothing.
 */
export function predictionMatch(model: ToolModel, tools: ReadonlySet<string>): number {
  let predicted = 0;
  let covered = 0;
  for (const p of model) {
    const lift = p.success - p.prior;
    if (lift > 0) predicted += lift;
    if (tools.has(p.tool)) covered += lift;
  }
  return predicted > 0 ? Math.min(1, Math.max(0, covered / predicted)) : 0;
}
