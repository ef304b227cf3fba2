import type { Episode } from '../core/index.js';
import { fitCalibration, type PlaybookSettings } from '../learning/index.js';
import { chooseFirstStage, type RetrievalSettings, retrieve, type TuningSample } from '../retrieval/index.js';
import { parsePlaybookRequest, planFrom } from './advice.js';
import type { MemoryParts } from './parts.js';
import type { TuningRecord } from './tuning.js';

/** Successful episodes the tuning asks about: the newest this many. */
const SAMPLE = 150;
/** Below this many with a like episode among the others, the history is too thin to choose from. */
const MIN_QUERIES = 30;
/** Candidates taken from each list of a question, as retrieval does. */
const POOL = 50;
/** A tool most successful runs use is routine: it does not tell one task from another. */
const ROUTINE_SHARE = 0.6;
/** A setting replaces the one it is measured against only when it is better by this much. */
const MARGIN = 0.02;

/** The playbook settings tried: with and without evidence scaling, three shares, with and without more successes. */
const PLAYBOOK_GRID: ReadonlyArray<Pick<PlaybookSettings, 'scaleToEvidence' | 'minShare' | 'minSuccesses'>> =
  [false, true].flatMap((scaleToEvidence) =>
    [0.1, 0.15, 0.25].flatMap((minShare) =>
      [0, 10].map((minSuccesses) => ({ scaleToEvidence, minShare, minSuccesses })),
    ),
  );

/**
 * Asks the memory about its own history and stores what serves it best (see `SelfLearningMemory.tune`). Each of
 * the newest successful episodes is a question (its task, its domain) whose right answers are the other
 * successful episodes with the same distinctive tools (the tools it ran successfully that most runs do not);
 * the question's own episode is left out. Chosen in turn: the first stage (text index, list weights) by MRR@10,
 * the playbook's evidence settings by the F1 of its distinctive tools, then the calibration of its confidence.
 * Each step gives way to the other calls between questions. `cancelled` stops it early (nothing stored).
 */
export async function tuneNamespace(
  parts: MemoryParts,
  cancelled: () => boolean = () => false,
): Promise<TuningRecord | undefined> {
  const { storage, provider, tuned, clock } = parts;
  const listed = await storage.listEpisodes({ outcome: 'success', limit: SAMPLE });
  const episodes = await storage.getEpisodes(
    listed.map((e) => e.id),
    { steps: true },
  );
  const keys = distinctiveTools(episodes);
  const byKey = new Map<string, string[]>();
  for (const e of episodes)
    byKey.set(keys.get(e.id) ?? '', [...(byKey.get(keys.get(e.id) ?? '') ?? []), e.id]);
  const relevantOf = (e: Episode) =>
    new Set((byKey.get(keys.get(e.id) ?? '') ?? []).filter((id) => id !== e.id));
  const questions = episodes.filter((e) => relevantOf(e).size > 0);
  const base = tuned.base;
  const at = new Date(clock.now()).toISOString();
  if (questions.length < MIN_QUERIES) {
    return store(parts, {
      version: 1,
      at,
      episodes: episodes.length,
      queries: questions.length,
      retrieval: null,
      playbook: null,
      calibration: null,
      note: `defaults kept: ${questions.length} successful episodes have a like one, ${MIN_QUERIES} are needed to choose`,
    });
  }

  // 1. The first stage, from each question's lists (fetched once; the fusions are computed for every setting).
  const inSample = new Set(episodes.map((e) => e.id));
  const vectors = provider ? await provider.embed(questions.map((e) => e.task)) : [];
  const samples: TuningSample[] = [];
  for (const [i, e] of questions.entries()) {
    if (cancelled()) return undefined;
    const keep = <T extends { id: string }>(hits: readonly T[]) =>
      hits.filter((h) => h.id !== e.id && inSample.has(h.id));
    const vector = vectors[i];
    const [all, task, similar] = await Promise.all([
      storage.searchEpisodes({ text: e.task, limit: POOL, index: 'all' }),
      storage.searchEpisodes({ text: e.task, limit: POOL, index: 'task' }),
      provider && vector
        ? storage.searchVectors({ kind: 'episode', provider: provider.id, vector, limit: POOL })
        : [],
    ]);
    samples.push({
      id: e.id,
      relevant: relevantOf(e),
      lexical: { all: keep(all), task: keep(task) },
      similar: keep(similar),
    });
    await turn();
  }
  const firstStage = chooseFirstStage(samples, base.retrieval, MARGIN);
  const retrieval: RetrievalSettings = { ...base.retrieval, ...firstStage.choice };

  // 2. The playbook's evidence settings, from one retrieval per question (its own episode left out).
  const plans = PLAYBOOK_GRID.map((choice) => ({
    choice,
    f1: 0,
    points: [] as Array<{ confidence: number; right: boolean }>,
  }));
  const own = {
    scaleToEvidence: base.playbook.scaleToEvidence,
    minShare: base.playbook.minShare,
    minSuccesses: base.playbook.minSuccesses,
  };
  const ownPlan = { choice: own, f1: 0, points: [] as Array<{ confidence: number; right: boolean }> };
  const env = {
    storage,
    ...(provider ? { embedder: provider } : {}),
    settings: retrieval,
    now: clock.now(),
    log: parts.log,
  };
  for (const e of questions) {
    if (cancelled()) return undefined;
    const request = parsePlaybookRequest({ task: e.task, context: { domain: e.context.domain } });
    const found = await retrieve(
      env,
      {
        task: e.task,
        context: { domain: e.context.domain },
        limit: base.playbook.neighbours * 3,
        exclude: new Set([e.id]),
      },
      { steps: true },
    );
    const wanted = keys.get(e.id) ?? '';
    for (const plan of [...plans, ownPlan]) {
      const playbook = planFrom(request, found, { ...base.playbook, ...plan.choice }, undefined);
      const advised = keyOf(
        playbook.steps.map((s) => s.tool),
        keys.routine,
      );
      plan.f1 += setF1(advised, wanted);
      plan.points.push({ confidence: playbook.confidence, right: !playbook.abstained && advised === wanted });
    }
    await turn();
  }
  const n = questions.length;
  let chosen = ownPlan;
  for (const plan of plans)
    if (plan.f1 / n > chosen.f1 / n && plan.f1 / n >= ownPlan.f1 / n + MARGIN) chosen = plan;
  const calibration = fitCalibration(chosen.points);
  const note =
    `from ${episodes.length} successful episodes (${n} with a like one): ` +
    `text index ${retrieval.textIndex}, ${retrieval.listWeights} list weights ${retrieval.lexicalWeight}:${retrieval.vectorWeight} ` +
    `(MRR@10 ${firstStage.score.toFixed(3)}, defaults ${firstStage.baseline.toFixed(3)}); ` +
    `playbook minShare ${chosen.choice.minShare}, minSuccesses ${chosen.choice.minSuccesses}, scaled ${chosen.choice.scaleToEvidence} ` +
    `(F1 ${(chosen.f1 / n).toFixed(3)}, defaults ${(ownPlan.f1 / n).toFixed(3)}); confidence calibrated on ${calibration.points} plans`;
  return store(parts, {
    version: 1,
    at,
    episodes: episodes.length,
    queries: n,
    retrieval: { ...firstStage.choice, score: round(firstStage.score), baseline: round(firstStage.baseline) },
    playbook: { ...chosen.choice, score: round(chosen.f1 / n), baseline: round(ownPlan.f1 / n) },
    calibration,
    note,
  });
}

async function store(parts: MemoryParts, record: TuningRecord): Promise<TuningRecord> {
  await parts.storage.putTuning(JSON.stringify(record));
  return record;
}

/** Each episode's distinctive tools as a key (sorted, joined), and the routine tools left out of every key. */
function distinctiveTools(
  episodes: readonly Episode[],
): Map<string, string> & { routine: ReadonlySet<string> } {
  const used = episodes.map(
    (e) => new Set(e.steps.filter((s) => s.result.status === 'success').map((s) => s.tool)),
  );
  const counts = new Map<string, number>();
  for (const tools of used) for (const tool of tools) counts.set(tool, (counts.get(tool) ?? 0) + 1);
  const routine = new Set(
    [...counts].filter(([, c]) => c >= ROUTINE_SHARE * episodes.length).map(([t]) => t),
  );
  const keys = new Map(episodes.map((e, i) => [e.id, keyOf([...(used[i] ?? [])], routine)]));
  return Object.assign(keys, { routine });
}

function keyOf(tools: readonly string[], routine: ReadonlySet<string>): string {
  return [...new Set(tools)]
    .filter((t) => !routine.has(t))
    .sort()
    .join(' ');
}

/** F1 of two keys as sets of tools; two empty keys agree fully. */
function setF1(a: string, b: string): number {
  const x = new Set(a ? a.split(' ') : []);
  const y = new Set(b ? b.split(' ') : []);
  if (x.size === 0 && y.size === 0) return 1;
  const shared = [...x].filter((t) => y.has(t)).length;
  return shared === 0 ? 0 : (2 * shared) / (x.size + y.size);
}

/** Gives way to the other calls waiting on the event loop. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
