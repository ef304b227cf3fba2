/**
 * The cross-domain table: a library setting chosen on the dev split of one set (A) and measured on the test
 * split of every set (B), beside the defaults. The objective on A's dev split is the mean, over A's regimes, of
 * MRR@10 and write F1 (MRR@10 alone where a set asks for no plan: webarena). The grid is eval/grid.ts.
 */
import { mean } from './metrics.js';
import type { Split } from './splits.js';
import { formatTable, signed } from './table.js';

/** A grid entry's figures on one split and regime of a set. */
export interface GridFigure {
  entry: string;
  split: Split;
  regime: string;
  mrr: number;
  /** Absent where the set asks for no plan. */
  writeF1?: number;
}

export interface GridSet {
  set: string;
  figures: GridFigure[];
}

/** A choice only replaces the one before it (the defaults first) when it is better by more than this. */
export const MIN_GAIN = 0.001;

/** The objective of an entry on a split: the mean over regimes of MRR@10 and write F1 (or MRR@10 alone). */
export function objective(figures: readonly GridFigure[], entry: string, split: Split): number | undefined {
  const own = figures.filter((f) => f.entry === entry && f.split === split);
  if (own.length === 0) return undefined;
  return mean(own.map((f) => (f.writeF1 === undefined ? f.mrr : (f.mrr + f.writeF1) / 2)));
}

/**
 * The entry with the best objective on the set's dev split, in grid order: a later entry replaces the current
 * choice only when better by more than `MIN_GAIN`, so a tie keeps the defaults (the first entry).
 *
 * @example
 * chooseEntry(['defaults', 'rrf 1:2'], set).chosen; // 'rrf 1:2' when it beats the defaults on dev
 */
export function chooseEntry(entries: readonly string[], set: GridSet) {
  let chosen = entries[0] ?? 'defaults';
  let best = objective(set.figures, chosen, 'dev') ?? 0;
  for (const entry of entries.slice(1)) {
    const value = objective(set.figures, entry, 'dev');
    if (value !== undefined && value > best + MIN_GAIN) {
      chosen = entry;
      best = value;
    }
  }
  return { chosen, objective: best, defaults: objective(set.figures, entries[0] ?? 'defaults', 'dev') ?? 0 };
}

/** One cell of the table: chosen on A's dev, measured on B's test split in one regime. */
export interface CrossRow {
  tunedOn: string;
  chosen: string;
  /** The chosen entry's objective minus the defaults' on A's dev split. */
  devGain: number;
  testedOn: string;
  regime: string;
  test: {
    chosen: Omit<GridFigure, 'entry' | 'split' | 'regime'>;
    defaults: Omit<GridFigure, 'entry' | 'split' | 'regime'>;
  };
}

export function crossDomain(entries: readonly string[], sets: readonly GridSet[]): CrossRow[] {
  const defaults = entries[0] ?? 'defaults';
  return sets.flatMap((a) => {
    const choice = chooseEntry(entries, a);
    return sets.flatMap((b) => {
      const regimes = [...new Set(b.figures.filter((f) => f.split === 'test').map((f) => f.regime))];
      return regimes.flatMap((regime) => {
        const find = (entry: string) =>
          b.figures.find((f) => f.entry === entry && f.split === 'test' && f.regime === regime);
        const chosen = find(choice.chosen);
        const base = find(defaults);
        if (!chosen || !base) return [];
        const strip = ({ mrr, writeF1 }: GridFigure) => ({
          mrr,
          ...(writeF1 === undefined ? {} : { writeF1 }),
        });
        return [
          {
            tunedOn: a.set,
            chosen: choice.chosen,
            devGain: choice.objective - choice.defaults,
            testedOn: b.set,
            regime,
            test: { chosen: strip(chosen), defaults: strip(base) },
          },
        ];
      });
    });
  });
}

export function formatCrossDomain(rows: readonly CrossRow[]): string {
  const pair = (chosen: number | undefined, base: number | undefined) =>
    chosen === undefined || base === undefined
      ? '-'
      : `${chosen.toFixed(3)} / ${base.toFixed(3)} (${signed(chosen - base)})`;
  return formatTable(
    [
      'tuned on (dev)',
      'chosen',
      'dev gain',
      'tested on (test)',
      'MRR@10 chosen / defaults',
      'write.F1 chosen / defaults',
    ],
    rows.map((r) => [
      r.tunedOn,
      r.chosen,
      signed(r.devGain),
      `${r.testedOn} ${r.regime}`,
      pair(r.test.chosen.mrr, r.test.defaults.mrr),
      pair(r.test.chosen.writeF1, r.test.defaults.writeF1),
    ]),
  );
}
