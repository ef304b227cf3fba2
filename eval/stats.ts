/** Figures over seeds: a mean with its sample standard deviation, and how they print. */

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for fewer than two values. */
  sd: number;
  n: number;
}

/**
 * @example
 * meanSd([0.5, 0.7]); // { mean: 0.6, sd: 0.1414…, n: 2 }
 */
export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  if (n === 0) return { mean: 0, sd: 0, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: 0, n };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance), n };
}

/** `0.483±0.031`, or `0.483` for a single value; `-` for none. */
export function formatMeanSd(figure: MeanSd, digits = 3): string {
  if (figure.n === 0) return '-';
  const mean = figure.mean.toFixed(digits);
  return figure.n < 2 ? mean : `${mean}±${figure.sd.toFixed(digits)}`;
}

/** Mean, lowest and highest value of each position over several equally long series (a band over seeds). */
export interface Band {
  mean: number[];
  min: number[];
  max: number[];
}

export function band(series: ReadonlyArray<readonly number[]>): Band {
  const length = Math.min(...series.map((s) => s.length));
  const result: Band = { mean: [], min: [], max: [] };
  if (series.length === 0) return result;
  for (let i = 0; i < length; i++) {
    const values = series.map((s) => s[i]!);
    result.mean.push(values.reduce((a, b) => a + b, 0) / values.length);
    result.min.push(Math.min(...values));
    result.max.push(Math.max(...values));
  }
  return result;
}
