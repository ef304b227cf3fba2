import type { LexicalHit, VectorHit } from '../storage/index.js';
import { fuse } from './fusion.js';
import type { RetrievalSettings } from './settings.js';

/**
 * One past episode asked again of the memory's own history, leave-one-out: the candidate lists its task gets
 * from each index (itself left out), and which other episodes count as right answers (those whose successful
 * distinctive tools are the same).
 */
export interface TuningSample {
  id: string;
  relevant: ReadonlySet<string>;
  lexical: { all: readonly LexicalHit[]; task: readonly LexicalHit[] };
  similar: readonly VectorHit[];
}

/** The first-stage settings the memory tunes for itself. */
export type FirstStageChoice = Pick<
  RetrievalSettings,
  'textIndex' | 'listWeights' | 'lexicalWeight' | 'vectorWeight'
>;

/** What is tried: each text index, each way of weighting the lists, and lists weighted 1:1, 2:1 and 1:2. */
export const FIRST_STAGE_GRID: readonly FirstStageChoice[] = (['all', 'task'] as const).flatMap((textIndex) =>
  (['fixed', 'decisive'] as const).flatMap((listWeights) =>
    [
      [1, 1],
      [2, 1],
      [1, 2],
    ].map(([lexicalWeight, vectorWeight]) => ({
      textIndex,
      listWeights,
      lexicalWeight: lexicalWeight as number,
      vectorWeight: vectorWeight as number,
    })),
  ),
);

/** Mean reciprocal rank (within the first 10) of the first right answer, over the samples that have one. */
export function firstStageScore(
  samples: readonly TuningSample[],
  choice: FirstStageChoice,
  base: RetrievalSettings,
): number {
  const settings = { ...base, ...choice };
  let sum = 0;
  let counted = 0;
  for (const sample of samples) {
    if (sample.relevant.size === 0) continue;
    counted++;
    const lexical = settings.mode === 'vector' ? [] : sample.lexical[choice.textIndex];
    const similar = settings.mode === 'lexical' ? [] : sample.similar;
    const ranked = [...fuse(lexical, similar, settings)]
      .filter(([id]) => id !== sample.id)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, 10);
    const rank = ranked.findIndex(([id]) => sample.relevant.has(id));
    if (rank >= 0) sum += 1 / (rank + 1);
  }
  return counted === 0 ? 0 : sum / counted;
}

/** What the first-stage tuning chose and why. */
export interface FirstStageTuning {
  choice: FirstStageChoice;
  /** Its score (MRR@10 over the samples) and the score of the settings it started from. */
  score: number;
  baseline: number;
}

/**
 * The grid point that ranks the memory's own history best, when it beats `base` by at least `margin` (chance
 * differences between close settings are not worth a change); otherwise `base`'s own first stage.
 */
export function chooseFirstStage(
  samples: readonly TuningSample[],
  base: RetrievalSettings,
  margin = 0.02,
): FirstStageTuning {
  const own: FirstStageChoice = {
    textIndex: base.textIndex,
    listWeights: base.listWeights,
    lexicalWeight: base.lexicalWeight,
    vectorWeight: base.vectorWeight,
  };
  const baseline = firstStageScore(samples, own, base);
  let best: FirstStageTuning = { choice: own, score: baseline, baseline };
  for (const choice of FIRST_STAGE_GRID) {
    const score = firstStageScore(samples, choice, base);
    if (score > best.score && score >= baseline + margin) best = { choice, score, baseline };
  }
  return best;
}
