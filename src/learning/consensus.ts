import type { Episode } from '../core/index.js';
import { clamp01, compareText } from './episode-utils.js';
import { type StepUnit, workedSteps } from './step-signature.js';
import { type ToolModel, taskFeatures } from './tool-model.js';

/** A past episode as evidence for a new task: how similar it is, and how far to trust it. */
export interface Neighbour {
  episode: Episode;
  /** Retrieval score in [0, 1]. */
  score: number;
  /** Mean effectiveness of its patterns from agents' feedback (0.5 without feedback). */
  effectiveness?: number;
}

/** Which learned parts the consensus uses; each can be switched off to measure what it adds. */
export interface ConsensusSettings {
  /** Reconcile the similar successful episodes (true) or follow the most similar one alone (false). */
  consensus: boolean;
  /** Blend in what the task's words predict across the whole memory (true). */
  toolModel: boolean;
  /** Failed episodes count against the tools they used (true). */
  failures: boolean;
  /**
   * Scale the tool model's vote and the doubt to the neighbours' weight (false): with few or loose successful
   * neighbours their fixed weights outvote the one run that had the distinctive step, and the plan loses it.
   */
  scaleToEvidence: boolean;
  /** A winning set of distinctive tools with less of the votes than this is a guess, and left out (0.15). */
  minShare: number;
}

/** A tool the evidence supports, with the numbers behind it. */
export interface ToolSupport {
  tool: string;
  /** Blended estimate that a successful run of this task uses the tool, in [0, 1]. */
  support: number;
  /** Weighted share of the similar successful episodes that used it. */
  neighbours: number;
  /** Weighted share of the similar failed episodes that used it. */
  failed: number;
  /** The tool model's estimate, when it has one. */
  predicted?: number;
  /** How many similar successful episodes used it. */
  count: number;
}

export interface Consensus {
  /** `times`: how many calls of the tool similar successful runs made (their weighted median). */
  steps: Array<StepUnit & { support: ToolSupport; times: number }>;
  /** Tools that similar failed runs used and successful ones did not. */
  avoided: ToolSupport[];
  /** Successful episodes the steps follow, best first. */
  supportingIds: string[];
  /** Weighted share of the successful neighbours whose key tools are exactly the plan's, before calibration. */
  agreement: number;
  /** Whether one set of distinctive tools (perhaps none: a task of look-ups) had enough of the votes. */
  decided: boolean;
  /** Total weight of the successful neighbours. */
  mass: number;
  successes: number;
  failures: number;
}

/**
 * How fast a neighbour's weight falls with its distance from the most similar one: exp(-(best - score) / this).
 * Small on purpose: on the noisy benchmark 0.05 beat 0.1 and 0.2 (write F1 +0.03 to +0.05): a near-tie is a
 * vote, a clearly closer episode decides.
 */
const SIMILARITY_SCALE = 0.05;
/** A tool enters the plan when its blended support reaches this. */
const INCLUDE = 0.5;
/** The tool model counts as this many perfectly similar episodes. */
const MODEL_MASS = 1;
/** Pseudo-evidence for "not needed": with little evidence, a tool's support stays low and the plan says less. */
const DOUBT_MASS = 0.35;
/**
 * Pseudo-votes for "none of these plans": the confidence is the winning plan's share of the votes with these
 * added. Chosen on the noisy benchmark (seed 7) with neighbours weighted by shared words: 0.5 gave ECE
 * 0.12 / 0.13 (retail / banking), 1 gave 0.17 / 0.15; with score² weights, 0.35, 1 and 2 gave 0.17-0.27.
 */
const VOTE_DOUBT = 0.5;
/** The neighbours' weight at and above which the model's vote and the doubt keep their full size (scaled). */
const FULL_EVIDENCE = 1;
/** A tool most successful episodes of the domain use is routine, not what tells one task from another. */
const ROUTINE_PRIOR = 0.6;

/** Cosine of two word sets: how much of the same thing two task texts say, whatever else was retrieved. */
function wordOverlap(a: ReadonlySet<string>, text: string): number {
  const b = new Set(taskFeatures(text, {}));
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}

const weightOf = (n: Neighbour, top: number, words: ReadonlySet<string>): number => {
  const status = n.episode.outcome?.status;
  const outcome = status === 'success' ? (n.episode.reward?.total ?? 1) : status === 'partial' ? 0.3 : 1;
  // Retrieval scores are relative (the best candidate's relevance is always 1); how many words the two tasks
  // share is absolute, so a run of the very same task counts fully and a loose match little.
  const absolute = 0.05 + 0.95 * wordOverlap(words, n.episode.task);
  const similarity = absolute * Math.exp(-(top - clamp01(n.score)) / SIMILARITY_SCALE);
  return similarity * Math.max(0.05, outcome) * (0.5 + clamp01(n.effectiveness ?? 0.5));
};

/**
 * Reconciles the step sequences of the most similar episodes into one plan. Each neighbour weighs its shared
 * words with the task, its closeness to the best match, its reward and its feedback. The distinctive tools are
 * chosen as one set by the neighbours' weighted votes (`voteKeyTools`); routine tools (most successes of the
 * domain use them) enter when their blended support reaches 0.5. The order is the best agreeing episode's,
 * other tools at their mean relative position. Failed episodes never give steps: they discount the tools
 * that mark them, and a tool they used that successful ones did not is returned as `avoided`.
 */
export function reconcile(
  task: string,
  neighbours: readonly Neighbour[],
  model: ToolModel,
  settings: ConsensusSettings,
): Consensus {
  const top = Math.max(0, ...neighbours.map((n) => clamp01(n.score)));
  const words = new Set(taskFeatures(task, {}));
  const worked = neighbours
    .filter((n) => n.episode.outcome?.status === 'success' || n.episode.outcome?.status === 'partial')
    .map((n) => ({ n, units: workedSteps(n.episode.steps), w: weightOf(n, top, words) }))
    .filter((x) => x.units.length > 0);
  const failed = neighbours
    .filter((n) => n.episode.outcome?.status === 'failure' || n.episode.outcome?.status === 'abstained')
    .map((n) => ({
      n,
      tools: new Set(workedSteps(n.episode.steps).map((u) => u.tool)),
      w: weightOf(n, top, words),
    }));
  const empty: Consensus = {
    steps: [],
    avoided: [],
    supportingIds: [],
    agreement: 0,
    decided: false,
    mass: 0,
    successes: worked.length,
    failures: failed.length,
  };
  const pool = settings.consensus ? worked : worked.slice(0, 1);
  const mass = pool.reduce((s, x) => s + x.w, 0);
  const failMass = failed.reduce((s, x) => s + x.w, 0);
  // A model that has seen none of the task's words only knows the domain's prior: no evidence about this task.
  const informed = settings.toolModel && model.some((p) => p.evidence > 0);
  const predicted = new Map(informed ? model.map((p) => [p.tool, p]) : []);
  // Scaled, the pseudo-evidence shrinks with the neighbours' weight (never to nothing: a memory with no similar
  // success still has the model's word).
  const scale = settings.scaleToEvidence ? Math.max(0.1, Math.min(1, mass / FULL_EVIDENCE)) : 1;
  const modelMass = predicted.size > 0 ? MODEL_MASS * scale : 0;
  if (mass + modelMass + failMass === 0) return empty;

  const tools = new Set([
    ...pool.flatMap((x) => x.units.map((u) => u.tool)),
    ...predicted.keys(),
    ...failed.flatMap((x) => [...x.tools]),
  ]);
  // A tool that marks the similar failures more than the successes is held back by the failures' weight.
  const discount = (failedShare: number, successShare: number) =>
    settings.failures && failMass > 0 && failedShare > successShare
      ? 1 - ((failedShare - successShare) * failMass) / (failMass + mass)
      : 1;
  const supports = new Map<string, ToolSupport>();
  for (const tool of [...tools].sort(compareText)) {
    const using = pool.filter((x) => x.units.some((u) => u.tool === tool));
    const neighboursShare = mass > 0 ? using.reduce((s, x) => s + x.w, 0) / mass : 0;
    const failedShare =
      failMass > 0 ? failed.filter((x) => x.tools.has(tool)).reduce((s, x) => s + x.w, 0) / failMass : 0;
    const p = predicted.get(tool);
    const support =
      ((mass * neighboursShare + modelMass * (p?.success ?? 0)) / (mass + modelMass + DOUBT_MASS * scale)) *
      discount(failedShare, neighboursShare);
    supports.set(tool, {
      tool,
      support: clamp01(support),
      neighbours: neighboursShare,
      failed: failedShare,
      ...(p ? { predicted: p.success } : {}),
      count: using.length,
    });
  }
  const prior = new Map(model.map((p) => [p.tool, p.prior]));
  const routine = (tool: string) => (prior.get(tool) ?? 0) >= ROUTINE_PRIOR;
  const vote = voteKeyTools(
    pool,
    predicted,
    routine,
    (tool) => {
      const s = supports.get(tool);
      return s ? discount(s.failed, s.neighbours) : 1;
    },
    { modelMass, doubt: VOTE_DOUBT * scale, minShare: settings.minShare },
  );
  const chosen = new Set([
    ...[...supports.values()].filter((s) => routine(s.tool) && s.support >= INCLUDE).map((s) => s.tool),
    ...vote.tools,
  ]);
  const avoided = settings.failures
    ? [...supports.values()]
        .filter((s) => !chosen.has(s.tool) && s.failed >= 0.5 && s.neighbours < 0.25 && failed.length > 0)
        .sort((a, b) => b.failed - a.failed || compareText(a.tool, b.tool))
    : [];
  if (chosen.size === 0) return { ...empty, avoided, mass };
  const agreement = vote.share;

  const overlap = (units: readonly StepUnit[]) => {
    const own = new Set(units.map((u) => u.tool));
    const shared = [...own].filter((t) => chosen.has(t)).length;
    return (2 * shared) / (own.size + chosen.size);
  };
  const backbone = [...pool].sort(
    (a, b) => b.w * overlap(b.units) - a.w * overlap(a.units) || compareText(a.n.episode.id, b.n.episode.id),
  )[0];
  const steps = order(backbone?.units ?? [], chosen, pool).map((u) => ({
    ...u,
    support: supports.get(u.tool)!,
    times: typicalCalls(u.tool, pool),
  }));
  const supportingIds = [...pool]
    .filter((x) => overlap(x.units) >= 0.5)
    .sort((a, b) => b.w - a.w || compareText(a.n.episode.id, b.n.episode.id))
    .map((x) => x.n.episode.id);
  return {
    steps,
    avoided,
    supportingIds,
    agreement,
    decided: vote.decided,
    mass,
    successes: worked.length,
    failures: failed.length,
  };
}

/**
 * The distinctive tools of the plan (those most successful runs of the domain do not use anyway), chosen as a
 * whole: each similar success proposes its own set and votes for it with its weight; the tool model votes
 * with the likelihood it gives each proposed set (product of p or 1 - p over the tools in play) and proposes
 * the tools it predicts above one half. Sets holding tools that mark similar failures are discounted. A set
 * is one decision, so a plan never mixes the exchange of one neighbour with the refund of another.
 * `share` is the winning set's part of all votes, with some doubt added: what the confidence grows from.
 */
function voteKeyTools(
  pool: ReadonlyArray<{ units: StepUnit[]; w: number }>,
  predicted: ReadonlyMap<string, { success: number }>,
  routine: (tool: string) => boolean,
  discount: (tool: string) => number,
  weights: { modelMass: number; doubt: number; minShare: number },
): { tools: string[]; share: number; decided: boolean } {
  const keyOf = (tools: Iterable<string>) => [...new Set(tools)].filter((t) => !routine(t)).sort(compareText);
  const proposals = new Map<string, { tools: string[]; votes: number }>();
  const propose = (tools: string[], votes: number) => {
    const key = tools.join('>');
    const entry = proposals.get(key) ?? { tools, votes: 0 };
    entry.votes += votes;
    proposals.set(key, entry);
  };
  for (const { units, w } of pool) propose(keyOf(units.map((u) => u.tool)), w);
  if (predicted.size > 0) {
    // The model's own proposal competes when no neighbour stands behind a set (a new kind of task).
    propose(keyOf([...predicted].filter(([, p]) => p.success >= INCLUDE).map(([t]) => t)), 0);
    const inPlay = new Set([...proposals.values()].flatMap((p) => p.tools));
    for (const entry of proposals.values()) {
      let likelihood = 1;
      for (const tool of inPlay) {
        const p = predicted.get(tool)?.success ?? 0;
        likelihood *= entry.tools.includes(tool) ? p : 1 - p;
      }
      entry.votes += weights.modelMass * likelihood;
    }
  }
  let total = weights.doubt;
  let best: { tools: string[]; votes: number } | undefined;
  for (const entry of proposals.values()) {
    entry.votes *= entry.tools.reduce((f, t) => f * discount(t), 1);
    total += entry.votes;
    if (
      !best ||
      entry.votes > best.votes ||
      (entry.votes === best.votes && entry.tools.join() < best.tools.join())
    )
      best = entry;
  }
  const share = best ? best.votes / total : 0;
  // Too little behind any set: say nothing distinctive rather than guess.
  return best && share >= weights.minShare
    ? { tools: best.tools, share, decided: true }
    : { tools: [], share: 0, decided: false };
}

/** The weighted median number of successful calls of the tool among the runs that used it (1 when none did). */
function typicalCalls(tool: string, pool: ReadonlyArray<{ units: StepUnit[]; w: number }>): number {
  const counts = pool
    .map(({ units, w }) => ({
      calls: units.filter((u) => u.tool === tool).reduce((sum, u) => sum + u.calls, 0),
      w,
    }))
    .filter((c) => c.calls > 0)
    .sort((a, b) => a.calls - b.calls);
  const half = counts.reduce((sum, c) => sum + c.w, 0) / 2;
  let seen = 0;
  for (const c of counts) {
    seen += c.w;
    if (seen >= half) return c.calls;
  }
  return 1;
}

/**
 * The chosen tools in order: the backbone's steps that use them (each tool once), then the tools it lacks,
 * each placed at its mean relative position among the episodes that used it (the end when none did).
 */
function order(
  backbone: readonly StepUnit[],
  chosen: ReadonlySet<string>,
  pool: ReadonlyArray<{ units: StepUnit[]; w: number }>,
): StepUnit[] {
  const placed: Array<{ unit: StepUnit; at: number }> = [];
  const seen = new Set<string>();
  backbone.forEach((unit, i) => {
    if (!chosen.has(unit.tool) || seen.has(unit.tool)) return;
    seen.add(unit.tool);
    placed.push({ unit, at: backbone.length > 1 ? i / (backbone.length - 1) : 0.5 });
  });
  for (const tool of [...chosen].sort(compareText)) {
    if (seen.has(tool)) continue;
    let sum = 0;
    let weight = 0;
    let example: StepUnit | undefined;
    for (const { units, w } of pool) {
      const i = units.findIndex((u) => u.tool === tool);
      if (i < 0) continue;
      example ??= units[i];
      sum += w * (units.length > 1 ? i / (units.length - 1) : 0.5);
      weight += w;
    }
    placed.push({
      unit: example ?? { tool, signature: `${tool}()`, action: '', calls: 1 },
      at: weight > 0 ? sum / weight : 1,
    });
  }
  return placed.sort((a, b) => a.at - b.at).map((p) => p.unit);
}
