import { describe, expect, it } from 'vitest';
import { eceCheck, formatCheckLine, replayCheck, retrievalChecks, writeF1Check } from '../../eval/checks.js';

describe('retrieval checks', () => {
  it('holds the library against each list and the reference, and skips a missing list', () => {
    const checks = retrievalChecks(0.55, { 'ref-bm25': 0.6, lexical: 0.5, vector: undefined });
    expect(checks.map((c) => [c.name, c.pass])).toEqual([
      ['MRR@10 >= ref-bm25', false],
      ['MRR@10 >= lexical', true],
    ]);
  });

  it('passes a tie, also one off by rounding', () => {
    expect(retrievalChecks(0.1 + 0.2, { 'ref-bm25': 0.3 })[0]!.pass).toBe(true);
  });
});

describe('playbook checks', () => {
  it('needs 1.5 times the best neighbour baseline', () => {
    const check = writeF1Check(0.6, { 'top1-bm25': 0.35, 'top5-vote': 0.42 });
    expect(check.name).toBe('write.F1 >= 1.5x top5-vote');
    expect(check.bound).toBeCloseTo(0.63);
    expect(check.pass).toBe(false);
    expect(writeF1Check(0.63, { 'top5-vote': 0.42 }).pass).toBe(true);
  });

  it('needs an ECE of at most 0.08', () => {
    expect(eceCheck(0.08).pass).toBe(true);
    expect(eceCheck(0.081).pass).toBe(false);
  });
});

describe('replay check', () => {
  it('fails when the memory is below the agent alone at any checkpoint', () => {
    const check = replayCheck('memory', [0.5, 0.58, 0.7], [0.5, 0.6, 0.55]);
    expect(check.pass).toBe(false);
    expect(check.value).toBeCloseTo(-0.02);
    expect(replayCheck('memory', [0.5, 0.6], [0.5, 0.6]).pass).toBe(true);
  });
});

describe('check line', () => {
  it('says PASS only when every check passes, with the figures', () => {
    const line = {
      set: 'noisy retail',
      split: 'test',
      regime: 'short',
      checks: [eceCheck(0.05), writeF1Check(0.5, { 'top1-bm25': 0.4 })],
    };
    const text = formatCheckLine(line);
    expect(text.startsWith('FAIL  noisy retail test short: ECE <= 0.08 PASS (0.050 vs 0.080)')).toBe(true);
    expect(text).toContain('write.F1 >= 1.5x top1-bm25 FAIL (0.500 vs 0.600)');
    expect(formatCheckLine({ ...line, checks: [eceCheck(0.05)] }).startsWith('PASS')).toBe(true);
  });
});
