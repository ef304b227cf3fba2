/**
 * The noisy benchmark's measures: small pure functions over tool sequences and confidences. Write-step F1 is
 * `compareSequences` (eval/metrics.ts) on the write tools; the others are here.
 */
import { compareSequences } from '../metrics.js';

/** Length of the longest common subsequence of two sequences (dynamic programming, O(|a|·|b|)). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    b.forEach((y, j) => {
      row.push(x === y ? previous[j]! + 1 : Math.max(previous[j + 1]!, row[j]!));
    });
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * Ordered-sequence similarity: LCS / max(|a|, |b|), in [0, 1]; 1 for two empty sequences.
 *
 * @example
 * normalizedLcs(['a', 'b', 'c'], ['a', 'c']); // 2 / 3
 */
export function normalizedLcs(a: readonly string[], b: readonly string[]): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : lcsLength(a, b) / longest;
}

/** Multiset F1 of predicted against gold write tools; 1 when both are empty (no write needed, none advised). */
export function writeF1(predicted: readonly string[], gold: readonly string[]): number {
  if (predicted.length === 0 && gold.length === 0) return 1;
  return compareSequences(predicted, gold).f1;
}

/** 1 when the first predicted write is the first gold write (or both have none), else 0. */
export function firstWriteMatch(predicted: readonly string[], gold: readonly string[]): number {
  return predicted[0] === gold[0] ? 1 : 0;
}

/** 1 when both name the same set of write tools (repeats and order ignored), else 0: "the playbook is right". */
export function sameWriteSet(predicted: readonly string[], gold: readonly string[]): number {
  const a = new Set(predicted);
  const b = new Set(gold);
  return a.size === b.size && [...a].every((t) => b.has(t)) ? 1 : 0;
}

/** One bin of a reliability table: predictions with confidence in [lower, upper). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

/** A prediction's confidence in [0, 1] and whether it was right. */
export interface Calibrated {
  confidence: number;
  right: boolean;
}

/**
 * Equal-width bins over [0, 1] (the last one closed: a confidence of 1 falls in it), each with its count, mean
 * confidence and share right. Empty bins have n 0 and zeros.
 */
export function reliabilityTable(predictions: readonly Calibrated[], bins = 10): ReliabilityBin[] {
  const table = Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    n: 0,
    sum: 0,
    hits: 0,
  }));
  for (const { confidence, right } of predictions) {
    const c = Math.min(1, Math.max(0, Number.isFinite(confidence) ? confidence : 0));
    const bin = table[Math.min(bins - 1, Math.floor(c * bins))]!;
    bin.n++;
    bin.sum += c;
    bin.hits += right ? 1 : 0;
  }
  return table.map(({ lower, upper, n, sum, hits }) => ({
    lower,
    upper,
    n,
    meanConfidence: n === 0 ? 0 : sum / n,
    accuracy: n === 0 ? 0 : hits / n,
  }));
}

/**
 * Expected calibration error: Σ over bins of (n_b / N) · |accuracy_b − mean confidence_b|; 0 for no predictions.
 *
 * @example
 * expectedCalibrationError([{ confidence: 0.9, right: true }, { confidence: 0.9, right: false }]); // 0.4
 */
export function expectedCalibrationError(predictions: readonly Calibrated[], bins = 10): number {
  if (predictions.length === 0) return 0;
  return reliabilityTable(predictions, bins).reduce(
    (sum, bin) => sum + (bin.n / predictions.length) * Math.abs(bin.accuracy - bin.meanConfidence),
    0,
  );
}
