import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate, fitCalibration } from '../../src/learning/calibration.js';

describe('fitCalibration', () => {
  it('maps raw confidences to how often such plans were right', () => {
    // Plans at 0.9 were right 1 time in 5, plans at 0.3 four times in 5: the raw confidence was backwards.
    const points = [
      ...Array.from({ length: 20 }, (_, i) => ({ confidence: 0.9, right: i % 5 === 0 })),
      ...Array.from({ length: 20 }, (_, i) => ({ confidence: 0.3, right: i % 5 !== 0 })),
    ];
    const fit = fitCalibration(points);
    expect(fit.points).toBe(40);
    // Isotonic: a map that may not go down pools the two into their common rate, one half.
    expect(calibrate(fit, 0.9)).toBeCloseTo(0.5, 1);
    expect(calibrate(fit, 0.3)).toBeCloseTo(0.5, 1);
  });

  it('keeps a well ordered history: low confidence low, high confidence high', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ confidence: i / 100, right: i >= 60 }));
    const fit = fitCalibration(points);
    expect(calibrate(fit, 0.1)).toBeLessThan(0.2);
    expect(calibrate(fit, 0.95)).toBeGreaterThan(0.8);
    expect(calibrate(undefined, 0.42)).toBe(0.42);
    expect(calibrate(fitCalibration([]), 0.42)).toBe(0.42);
  });

  it('is monotone and stays in [0, 1] whatever the history', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ confidence: fc.double({ min: 0, max: 1, noNaN: true }), right: fc.boolean() }), {
          maxLength: 80,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (points, a, b) => {
          const fit = fitCalibration(points);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const ca = calibrate(fit, lo);
          const cb = calibrate(fit, hi);
          return ca <= cb + 1e-9 && ca >= 0 && cb <= 1;
        },
      ),
    );
  });
});
