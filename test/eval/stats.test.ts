import { describe, expect, it } from 'vitest';
import { band, formatMeanSd, meanSd } from '../../eval/stats.js';

describe('mean ± sd over seeds', () => {
  it('uses the sample standard deviation', () => {
    const figure = meanSd([0.5, 0.7]);
    expect(figure.mean).toBeCloseTo(0.6);
    expect(figure.sd).toBeCloseTo(Math.SQRT2 / 10);
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9]).sd).toBeCloseTo(2.138, 3);
  });

  it('guards one value and none', () => {
    expect(meanSd([0.4])).toEqual({ mean: 0.4, sd: 0, n: 1 });
    expect(meanSd([])).toEqual({ mean: 0, sd: 0, n: 0 });
  });

  it('prints mean±sd, the mean alone for one seed, and - for none', () => {
    expect(formatMeanSd(meanSd([0.5, 0.7]))).toBe('0.600±0.141');
    expect(formatMeanSd(meanSd([0.5]))).toBe('0.500');
    expect(formatMeanSd(meanSd([]))).toBe('-');
  });
});

describe('band', () => {
  it('gives the mean, lowest and highest value at each position', () => {
    expect(
      band([
        [0, 1, 0.5],
        [1, 1, 0.25],
      ]),
    ).toEqual({ mean: [0.5, 1, 0.375], min: [0, 1, 0.25], max: [1, 1, 0.5] });
    expect(band([])).toEqual({ mean: [], min: [], max: [] });
  });
});
