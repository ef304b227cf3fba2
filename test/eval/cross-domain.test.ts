import { describe, expect, it } from 'vitest';
import { chooseEntry, crossDomain, type GridSet, objective } from '../../eval/cross-domain.js';
import { retrievalKey, SETTINGS_GRID } from '../../eval/grid.js';

const figure = (entry: string, split: 'dev' | 'test', regime: string, mrr: number, writeF1?: number) => ({
  entry,
  split,
  regime,
  mrr,
  ...(writeF1 === undefined ? {} : { writeF1 }),
});

const retail: GridSet = {
  set: 'noisy retail',
  figures: [
    figure('defaults', 'dev', 'short', 0.4, 0.4),
    figure('defaults', 'dev', 'long', 0.6, 0.6),
    figure('rrf 1:2', 'dev', 'short', 0.5, 0.5),
    figure('rrf 1:2', 'dev', 'long', 0.6, 0.6),
    figure('defaults', 'test', 'short', 0.3, 0.2),
    figure('rrf 1:2', 'test', 'short', 0.35, 0.1),
  ],
};
const webarena: GridSet = {
  set: 'webarena',
  figures: [
    figure('defaults', 'dev', 'short', 0.9),
    figure('rrf 1:2', 'dev', 'short', 0.9005),
    figure('defaults', 'test', 'short', 0.95),
    figure('rrf 1:2', 'test', 'short', 0.94),
  ],
};

describe('cross-domain choice', () => {
  it('averages MRR@10 and write F1 over the regimes, MRR@10 alone without plans', () => {
    expect(objective(retail.figures, 'defaults', 'dev')).toBeCloseTo(0.5);
    expect(objective(retail.figures, 'rrf 1:2', 'dev')).toBeCloseTo(0.55);
    expect(objective(webarena.figures, 'defaults', 'dev')).toBeCloseTo(0.9);
    expect(objective(retail.figures, 'missing', 'dev')).toBeUndefined();
  });

  it('chooses on dev only, and a gain under 0.001 keeps the defaults', () => {
    expect(chooseEntry(['defaults', 'rrf 1:2'], retail).chosen).toBe('rrf 1:2');
    expect(chooseEntry(['defaults', 'rrf 1:2'], webarena).chosen).toBe('defaults');
  });

  it('reports the choice of each set on the test split of every set, beside the defaults', () => {
    const rows = crossDomain(['defaults', 'rrf 1:2'], [retail, webarena]);
    expect(rows).toHaveLength(4);
    const retailOnWebarena = rows.find((r) => r.tunedOn === 'noisy retail' && r.testedOn === 'webarena');
    expect(retailOnWebarena).toMatchObject({ chosen: 'rrf 1:2', regime: 'short' });
    expect(retailOnWebarena!.test).toEqual({ chosen: { mrr: 0.94 }, defaults: { mrr: 0.95 } });
    expect(retailOnWebarena!.devGain).toBeCloseTo(0.05);
  });
});

describe('settings grid', () => {
  it('starts with the defaults and has unique names', () => {
    expect(SETTINGS_GRID[0]).toEqual({ name: 'defaults', options: {} });
    expect(new Set(SETTINGS_GRID.map((e) => e.name)).size).toBe(SETTINGS_GRID.length);
  });

  it('treats entries that differ only in playbook options as one ranking', () => {
    const playbook = SETTINGS_GRID.find((e) => e.name === 'playbook -consensus')!;
    expect(retrievalKey(playbook)).toBe(retrievalKey(SETTINGS_GRID[0]!));
    expect(retrievalKey(SETTINGS_GRID[1]!)).not.toBe(retrievalKey(SETTINGS_GRID[0]!));
  });
});
