/**
 * The edits that turn a task's gold steps into a generated run: a failure of a given kind, extra look-ups, a
 * thinking step, failed calls. Each takes the run's seeded generator, so a run depends on its seed only.
 */
import type { Rng } from '../../bench/rng.js';
import type { DomainPools, FailureKind, NoisyRun, RunStep } from './generate.js';
import { borrowParams, errorMessage, perturbParams } from './perturb.js';
import type { GoldStep } from './tau2-tasks.js';
import { DOMAIN_TOOLS } from './tool-kinds.js';

/** Whether a failure of this kind can be told apart from the gold run of these steps. */
export function applicable(kind: FailureKind, steps: readonly RunStep[], pools: DomainPools): boolean {
  const writes = positions(steps, 'write').length;
  const handoff = positions(steps, 'handoff').length > 0;
  if (kind === 'wrong-write') return writes > 0 && pools.writes.length > 1;
  if (kind === 'missing-write') return writes > 0;
  if (kind === 'extra-write') return pools.writes.length > 0;
  return writes > 0 || (kind === 'gave-up' && handoff);
}

/**
 * The run as a failure of `kind`: a hand-off before the first write, giving up after the look-ups, one more
 * write, one gold write left out, or one gold write replaced by another write tool of the domain; with the
 * reason recorded as the episode's failure reason.
 */
export function fail(kind: FailureKind, steps: RunStep[], pools: DomainPools, rng: Rng): Partial<NoisyRun> {
  const writes = positions(steps, 'write');
  const failure = { kind, success: false };
  const firstStop = Math.min(writes[0] ?? steps.length, positions(steps, 'handoff')[0] ?? steps.length);
  if (kind === 'handoff') {
    const cut = rng.int(0, firstStop);
    return {
      ...failure,
      reason: 'transferred to a human',
      steps: [...steps.slice(0, cut), call(pools, 'handoff', rng)],
    };
  }
  if (kind === 'gave-up')
    return { ...failure, reason: 'gave up after look-ups', steps: steps.slice(0, firstStop) };
  if (kind === 'extra-write') {
    const extra = call(pools, 'write', rng, new Set(steps.map((s) => s.tool)));
    const after = (writes[writes.length - 1] ?? firstStop - 1) + 1;
    return {
      ...failure,
      reason: `extra write: ${extra.tool}`,
      steps: [...steps.slice(0, after), extra, ...steps.slice(after)],
    };
  }
  const at = rng.pick(writes);
  const old = steps[at]!.tool;
  if (kind === 'missing-write')
    return { ...failure, reason: `missing write: ${old}`, steps: steps.filter((_, i) => i !== at) };
  const wrong = call(pools, 'write', rng, new Set([old]));
  return {
    ...failure,
    reason: `wrong write: ${wrong.tool} instead of ${old}`,
    steps: steps.map((s, i) => (i === at ? wrong : s)),
  };
}

/** An invented call of a kind: a tool of the domain (not in `avoid` when possible) with real arguments. */
function call(
  pools: DomainPools,
  kind: 'write' | 'lookup' | 'handoff',
  rng: Rng,
  avoid = new Set<string>(),
): RunStep {
  const tools = kind === 'write' ? pools.writes : pools.lookups;
  const fresh = tools.filter((t) => !avoid.has(t));
  const tool =
    kind === 'handoff' ? DOMAIN_TOOLS[pools.domain].handoff : rng.pick(fresh.length > 0 ? fresh : tools);
  const params = borrowParams(pools.pool, tool, rng);
  if (kind === 'handoff' && Object.keys(params).length === 0)
    params.summary = 'The customer asked for a human agent.';
  return { tool, kind, params, requestor: 'assistant' };
}

/** One or two more look-ups before the first write or hand-off: one of the run's own with other arguments, or another. */
export function addLookups(steps: RunStep[], pools: DomainPools, rng: Rng): void {
  for (let n = rng.int(1, 2); n > 0; n--) {
    const own = steps.filter((s) => s.kind === 'lookup');
    const base = own.length > 0 && rng.next() < 0.6 ? rng.pick(own) : call(pools, 'lookup', rng);
    const extra = { ...base, params: perturbParams(base.params, base.tool, pools.pool, rng) };
    steps.splice(rng.int(0, firstOf(steps, 'write', 'handoff')), 0, extra);
  }
}

/** A thinking or arithmetic call (retail `calculate`, banking `think`) just before the first write or hand-off. */
export function addThink(steps: RunStep[], pools: DomainPools, rng: Rng): void {
  const at = firstOf(steps, 'write', 'handoff');
  const tool = DOMAIN_TOOLS[pools.domain].think;
  const next = steps[at]?.tool ?? 'the answer';
  const params = pools.pool.has(tool)
    ? borrowParams(pools.pool, tool, rng)
    : { thought: `Check the policy and the customer's accounts before ${next}.` };
  steps.splice(at, 0, { tool, kind: 'think', params, requestor: 'assistant' });
}

/** Each call fails first with probability `rate`: then it is retried (70 %), or another look-up failed first. */
export function withErrors(steps: readonly RunStep[], pools: DomainPools, rng: Rng, rate: number): RunStep[] {
  return steps.flatMap((step) => {
    if (step.kind === 'handoff' || rng.next() >= rate) return [step];
    const failed = rng.next() < 0.7 || pools.lookups.length === 0 ? { ...step } : call(pools, 'lookup', rng);
    return [{ ...failed, error: errorMessage(failed.tool, rng) }, step];
  });
}

/** Indexes of the steps of a kind. */
export function positions(steps: readonly RunStep[], kind: GoldStep['kind']): number[] {
  return steps.flatMap((s, i) => (s.kind === kind ? [i] : []));
}

/** Index of the first step of one of the kinds; the length when there is none. */
function firstOf(steps: readonly RunStep[], ...kinds: Array<GoldStep['kind']>): number {
  const i = steps.findIndex((s) => kinds.includes(s.kind));
  return i === -1 ? steps.length : i;
}

/** One of the kinds, drawn with the given weights. */
export function pickWeighted<K extends string>(
  kinds: readonly K[],
  weights: Readonly<Record<K, number>>,
  rng: Rng,
): K {
  const total = kinds.reduce((sum, k) => sum + weights[k], 0);
  let draw = rng.next() * total;
  for (const k of kinds) {
    draw -= weights[k];
    if (draw < 0) return k;
  }
  return kinds[kinds.length - 1]!;
}
