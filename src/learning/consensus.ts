import type { Episode } from '../core/index.js';
import { clamp01, compareText } from './episode-utils.js';
import { type StepUnit, workedSteps } from './step-signature.js';
import type { ToolModel } from './tool-model.js';

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
  steps: Array<StepUnit & { support: ToolSupport }>;
  /** Tools that similar failed runs used and successful ones did not. */
  avoided: ToolSupport[];
  /** Successful episodes the steps follow, best first. */
  supportingIds: string[];
  /** Weighted share of the successful neighbours whose key tools are exactly the plan's, before calibration. */
  agreement: number;
  /** Total weight of the successful neighbours. */
  mass: number;
  successes: number;
  failures: number;
}

/** A tool enters the plan when its blended support reaches this. */
const INCLUDE = 0.5;
/** The tool model counts as this many perfectly similar episodes. */
const MODEL_MASS = 1;
/** Pseudo-evidence for "not needed": with little evidence, support stays low and the plan says less. */
const DOUBT_MASS = 0.35;
/** A tool most successful episodes of the domain use is routine, not what tells one task from another. */
const ROUTINE_PRIOR = 0.6;

const weightOf = (n: Neighbour): number => {
  const status = n.episode.outcome?.status;
  const outcome = status === 'success' ? (n.episode.reward?.total ?? 1) : status === 'partial' ? 0.3 : 1;
  return clamp01(n.score) ** 2 * Math.max(0.05, outcome) * (0.5 + clamp01(n.effectiveness ?? 0.5));
};

/**
 * Reconciles the step sequences of the most similar episodes into one plan: each tool's support is the
 * weighted share of similar successful episodes that used it (weight: similarity², reward, feedback),
 * blended with the tool model's prediction for the task's words; tools that reach 0.5 enter, in the order of
 * the best agreeing episode, with the others placed at their mean relative position. Failed episodes never
 * give steps: a tool they used that successful ones did not is returned as `avoided`.
 */
export function reconcile(
  neighbours: readonly Neighbour[],
  model: ToolModel,
  settings: ConsensusSettings,
): Consensus {
  const worked = neighbours
    .filter((n) => n.episode.outcome?.status === 'success' || n.episode.outcome?.status === 'partial')
    .map((n) => ({ n, units: workedSteps(n.episode.steps), w: weightOf(n) }))
    .filter((x) => x.units.length > 0);
  const failed = neighbours
    .filter((n) => n.episode.outcome?.status === 'failure' || n.episode.outcome?.status === 'abstained')
    .map((n) => ({ n, tools: new Set(workedSteps(n.episode.steps).map((u) => u.tool)), w: weightOf(n) }));
  const empty: Consensus = {
    steps: [],
    avoided: [],
    supportingIds: [],
    agreement: 0,
    mass: 0,
    successes: worked.length,
    failures: failed.length,
  };
  const pool = settings.consensus ? worked : worked.slice(0, 1);
  const mass = pool.reduce((s, x) => s + x.w, 0);
  const failMass = failed.reduce((s, x) => s + x.w, 0);
  const predicted = new Map(settings.toolModel ? model.map((p) => [p.tool, p]) : []);
  const modelMass = predicted.size > 0 ? MODEL_MASS : 0;
  if (mass + modelMass + failMass === 0) return empty;

  const tools = new Set([
    ...pool.flatMap((x) => x.units.map((u) => u.tool)),
    ...predicted.keys(),
    ...failed.flatMap((x) => [...x.tools]),
  ]);
  const supports = new Map<string, ToolSupport>();
  for (const tool of [...tools].sort(compareText)) {
    const using = pool.filter((x) => x.units.some((u) => u.tool === tool));
    const neighboursShare = mass > 0 ? using.reduce((s, x) => s + x.w, 0) / mass : 0;
    const failedShare =
      failMass > 0 ? failed.filter((x) => x.tools.has(tool)).reduce((s, x) => s + x.w, 0) / failMass : 0;
    const p = predicted.get(tool);
    let support = (mass * neighboursShare + modelMass * (p?.success ?? 0)) / (mass + modelMass + DOUBT_MASS);
    // A tool that marks the similar failures more than the successes is held back by the failures' weight.
    if (settings.failures && failMass > 0 && failedShare > neighboursShare) {
      support *= 1 - ((failedShare - neighboursShare) * failMass) / (failMass + mass);
    }
    supports.set(tool, {
      tool,
      support: clamp01(support),
      neighbours: neighboursShare,
      failed: failedShare,
      ...(p ? { predicted: p.success } : {}),
      count: using.length,
    });
  }
  const chosen = new Set([...supports.values()].filter((s) => s.support >= INCLUDE).map((s) => s.tool));
  const avoided = settings.failures
    ? [...supports.values()]
        .filter((s) => !chosen.has(s.tool) && s.failed >= 0.5 && s.neighbours < 0.25 && failed.length > 0)
        .sort((a, b) => b.failed - a.failed || compareText(a.tool, b.tool))
    : [];
  if (chosen.size === 0) return { ...empty, avoided, mass };

  const routine = (tool: string) => (predicted.get(tool)?.prior ?? 0) >= ROUTINE_PRIOR;
  const keyOf = (toolSet: Iterable<string>) =>
    [...new Set(toolSet)]
      .filter((t) => !routine(t))
      .sort(compareText)
      .join('>');
  const planKey = keyOf(chosen);
  const agreeing = pool.filter((x) => keyOf(x.units.map((u) => u.tool)) === planKey);
  const agreement = mass > 0 ? agreeing.reduce((s, x) => s + x.w, 0) / mass : 0;

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
    mass,
    successes: worked.length,
    failures: failed.length,
  };
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
      unit: example ?? { tool, signature: `${tool}()`, action: '' },
      at: weight > 0 ? sum / weight : 1,
    });
  }
  return placed.sort((a, b) => a.at - b.at).map((p) => p.unit);
}
