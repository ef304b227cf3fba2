import { z } from 'zod';
import type { Calibration, PlaybookSettings } from '../learning/index.js';
import type { RetrievalSettings } from '../retrieval/index.js';
import type { StorageBackend } from '../storage/index.js';

const score = { score: z.number(), baseline: z.number() };

/** What a namespace's self-tuning chose, as stored (`tuning` table) and as `stats()` reports it. */
export const TuningRecordSchema = z.object({
  version: z.literal(1),
  /** When it ran (ISO). */
  at: z.string(),
  /** Successful episodes it asked the memory about, and how many of them had a right answer among the others. */
  episodes: z.number().int().nonnegative(),
  queries: z.number().int().nonnegative(),
  /** The first stage chosen (null: too little history, the defaults stand), with its MRR@10 and the defaults'. */
  retrieval: z
    .object({
      textIndex: z.enum(['all', 'task']),
      listWeights: z.enum(['fixed', 'decisive']),
      lexicalWeight: z.number().nonnegative(),
      vectorWeight: z.number().nonnegative(),
      ...score,
    })
    .nullable(),
  /** The playbook's evidence settings chosen, with the mean F1 of its distinctive tools and the defaults'. */
  playbook: z
    .object({
      scaleToEvidence: z.boolean(),
      minShare: z.number().min(0).max(1),
      minSuccesses: z.number().int().nonnegative(),
      ...score,
    })
    .nullable(),
  /** How often plans of each raw confidence were right: the map from raw to stated confidence. */
  calibration: z
    .object({
      knots: z.array(z.tuple([z.number(), z.number()])),
      points: z.number().int().nonnegative(),
    })
    .nullable(),
  /** One line: what it chose and from how much, or why it kept the defaults. */
  note: z.string(),
});
export type TuningRecord = z.infer<typeof TuningRecordSchema>;

/** The settings a call runs with: the options given, the tuning's choices where the options say nothing. */
export interface EffectiveSettings {
  retrieval: RetrievalSettings;
  playbook: PlaybookSettings;
  calibration: Calibration | undefined;
  tuning: TuningRecord | null;
}

/**
 * The namespace's tuning as this process sees it: read again whenever the store's write generation moves (a
 * tuning is stored with a move, by whichever process ran it). Options the caller set are never overridden.
 */
export class TunedSettings {
  readonly #storage: StorageBackend;
  readonly #base: { retrieval: RetrievalSettings; playbook: PlaybookSettings };
  readonly #pinned: { retrieval: ReadonlySet<string>; playbook: ReadonlySet<string> };
  readonly #enabled: boolean;
  #generation = Number.NaN;
  #current: Promise<EffectiveSettings> | undefined;

  constructor(options: {
    storage: StorageBackend;
    base: { retrieval: RetrievalSettings; playbook: PlaybookSettings };
    pinned: { retrieval: ReadonlySet<string>; playbook: ReadonlySet<string> };
    enabled: boolean;
  }) {
    this.#storage = options.storage;
    this.#base = options.base;
    this.#pinned = options.pinned;
    this.#enabled = options.enabled;
  }

  /** The settings as of the given write generation. */
  at(generation: number): Promise<EffectiveSettings> {
    if (generation !== this.#generation || !this.#current) {
      this.#generation = generation;
      this.#current = this.#read();
      // A failed read is tried again by the next call rather than remembered.
      this.#current.catch(() => {
        this.#current = undefined;
      });
    }
    return this.#current;
  }

  /** The settings as of now. */
  async latest(): Promise<EffectiveSettings> {
    return this.at(await this.#storage.writeGeneration());
  }

  /** The settings the tuning starts from and is measured against: the options, without any tuning. */
  get base(): { retrieval: RetrievalSettings; playbook: PlaybookSettings } {
    return this.#base;
  }

  async #read(): Promise<EffectiveSettings> {
    const record = this.#enabled ? parseTuning(await this.#storage.getTuning()) : null;
    return applyTuning(this.#base, this.#pinned, record);
  }
}

/** The stored JSON as a record; null when absent, unreadable or of another version (the defaults then stand). */
export function parseTuning(body: string | null): TuningRecord | null {
  if (body === null) return null;
  try {
    const parsed = TuningRecordSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The base settings with the record's choices over every field the caller did not set. */
export function applyTuning(
  base: { retrieval: RetrievalSettings; playbook: PlaybookSettings },
  pinned: { retrieval: ReadonlySet<string>; playbook: ReadonlySet<string> },
  record: TuningRecord | null,
): EffectiveSettings {
  const free = <T extends object>(choice: T | null | undefined, keep: ReadonlySet<string>): Partial<T> =>
    Object.fromEntries(
      Object.entries(choice ?? {}).filter(([key]) => !keep.has(key) && key !== 'score' && key !== 'baseline'),
    ) as Partial<T>;
  return {
    retrieval: { ...base.retrieval, ...free(record?.retrieval, pinned.retrieval) },
    playbook: { ...base.playbook, ...free(record?.playbook, pinned.playbook) },
    calibration: record?.calibration ?? undefined,
    tuning: record,
  };
}
