/**
 * The "done" conditions as checks on a set's figures (the test split is what they are measured on):
 * retrieval at least its reference BM25 and each of its own lists, playbook write F1 at least 1.5 times the
 * best neighbour baseline, calibration within 0.08, and the replay's memory arms never below the agent alone.
 */

/** A playbook's write F1 must reach this multiple of the best neighbour baseline's. */
export const WRITE_F1_FACTOR = 1.5;
/** The highest expected calibration error that passes. */
export const MAX_ECE = 0.08;
/** Figures equal up to rounding noise of a mean count as equal. */
const EPSILON = 1e-9;

export interface Check {
  /** What is checked, e.g. `MRR@10 >= ref-bm25`. */
  name: string;
  pass: boolean;
  /** The checked figure and the bound it is held against. */
  value: number;
  bound: number;
}

/** One line of checks: a set, split and regime (and the row checked, where a set has several). */
export interface CheckLine {
  set: string;
  split: string;
  regime: string;
  checks: Check[];
}

/**
 * The library's MRR@10 against the reference BM25 and its own lists alone; a list missing from the table is
 * left out.
 *
 * @example
 * retrievalChecks(0.55, { 'ref-bm25': 0.46, lexical: 0.51, vector: 0.53 }).every((c) => c.pass); // true
 */
export function retrievalChecks(
  defaults: number,
  others: Readonly<Record<string, number | undefined>>,
): Check[] {
  return Object.entries(others).flatMap(([name, bound]) =>
    bound === undefined
      ? []
      : [{ name: `MRR@10 >= ${name}`, pass: defaults >= bound - EPSILON, value: defaults, bound }],
  );
}

/** Write F1 against `WRITE_F1_FACTOR` times the best of the neighbour baselines. */
export function writeF1Check(writeF1: number, neighbours: Readonly<Record<string, number>>): Check {
  const [best, score] = Object.entries(neighbours).reduce<[string, number]>(
    (top, entry) => (entry[1] > top[1] ? entry : top),
    ['none', 0],
  );
  const bound = WRITE_F1_FACTOR * score;
  return {
    name: `write.F1 >= ${WRITE_F1_FACTOR}x ${best}`,
    pass: writeF1 >= bound - EPSILON,
    value: writeF1,
    bound,
  };
}

export function eceCheck(ece: number): Check {
  return { name: `ECE <= ${MAX_ECE}`, pass: ece <= MAX_ECE + EPSILON, value: ece, bound: MAX_ECE };
}

/**
 * A memory arm's success at every checkpoint against the agent alone's, both as means over seeds; `value` is
 * the smallest difference (memory − alone) over the checkpoints, `bound` 0.
 *
 * @example
 * replayCheck('memory', [0.5, 0.6], [0.5, 0.55]).pass; // true
 */
export function replayCheck(arm: string, memory: readonly number[], alone: readonly number[]): Check {
  const gaps = memory.map((value, i) => value - (alone[i] ?? 0));
  const worst = gaps.length === 0 ? 0 : Math.min(...gaps);
  return { name: `${arm} >= no memory at every checkpoint`, pass: worst >= -EPSILON, value: worst, bound: 0 };
}

/**
 * `FAIL  noisy retail test short: MRR@10 >= ref-bm25 PASS (0.552 vs 0.457); ECE <= 0.08 FAIL (0.141 vs 0.080)`:
 * PASS at the start only when every check of the line passes.
 */
export function formatCheckLine(line: CheckLine): string {
  const all = line.checks.every((c) => c.pass);
  const parts = line.checks.map(
    (c) => `${c.name} ${c.pass ? 'PASS' : 'FAIL'} (${c.value.toFixed(3)} vs ${c.bound.toFixed(3)})`,
  );
  return `${all ? 'PASS' : 'FAIL'}  ${line.set} ${line.split} ${line.regime}: ${parts.join('; ')}`;
}
