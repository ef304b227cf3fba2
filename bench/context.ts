import type { Sources } from './data.js';
import type { Rng } from './rng.js';

/** Sample counts per kind of operation. */
export interface SampleCounts {
  /** Cheap operations (start, log step, retrieve). */
  cheap: number;
  /** Completion of 20 steps, playbook. */
  medium: number;
  /** Completion of 100 steps, growth samples at large sizes. */
  few: number;
  /** Bulk-import batches of 100. */
  batches: number;
}

export interface BenchContext {
  /** A temp folder for the store files. */
  dir: string;
  sources: Sources;
  rng: Rng;
  n: SampleCounts;
  sizes: {
    /** Episodes in the store of the operation benchmarks. */
    ops: number;
    /** Store sizes of the growth benchmark, ascending. */
    growth: number[];
    /** Episodes in the store of the local-model retrieval. */
    use: number;
  };
  log(message: string): void;
}
