import type { Outcome, Step, TaskContext, TaskType } from '../../src/core/index.js';
import type { EndedEpisode } from '../../src/learning/index.js';

const START = Date.parse('2025-03-01T10:00:00.000Z');

/** A UUIDv7-shaped id whose order follows `n`, like ids made one after another. */
export function idAt(n: number): string {
  return `01950000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function isoAt(ms: number): string {
  return new Date(START + ms).toISOString();
}

export interface StepSpec {
  tool: string;
  action?: string;
  status?: 'success' | 'error' | 'timeout';
  message?: string;
  latencyMs?: number;
  params?: Record<string, unknown>;
  tokens?: number;
}

/** A successful step with `tool`, shorthand for `{ tool }`. */
export type StepLike = StepSpec | string;

export function makeStep(seq: number, like: StepLike): Step {
  const spec = typeof like === 'string' ? { tool: like } : like;
  const status = spec.status ?? 'success';
  const result: Step['result'] =
    status === 'success'
      ? { status }
      : status === 'error'
        ? { status, message: spec.message ?? 'Error: it broke' }
        : { status };
  return {
    seq,
    at: isoAt(seq * 1000),
    tool: spec.tool,
    action: spec.action ?? `${spec.tool} step`,
    params: spec.params ?? {},
    result,
    latencyMs: spec.latencyMs ?? 100,
    ...(spec.tokens === undefined ? {} : { tokens: spec.tokens }),
    metadata: {},
  };
}

export const fail = (tool: string, message = 'Error: it broke', extra: Partial<StepSpec> = {}): StepSpec => ({
  tool,
  status: 'error',
  message,
  ...extra,
});

export const timeout = (tool: string): StepSpec => ({ tool, status: 'timeout' });

export const success = (): Outcome => ({ status: 'success', verdict: 'done', artifacts: [] });
export const partial = (completed: string[] = [], failed: string[] = []): Outcome => ({
  status: 'partial',
  verdict: '',
  completed,
  failed,
});
export const failure = (reason = 'tests still fail'): Outcome => ({ status: 'failure', reason });
export const abstained = (reason = 'no access', signals: string[] = []): Outcome => ({
  status: 'abstained',
  reason,
  infeasibilitySignals: signals,
});

export interface EpisodeSpec {
  n?: number;
  task?: string;
  taskType?: TaskType;
  context?: Partial<TaskContext>;
  steps?: StepLike[];
  outcome?: Outcome;
  durationMs?: number;
}

/** A finished episode; `n` orders ids and end times, so a higher `n` is a more recent episode. */
export function makeEpisode(spec: EpisodeSpec = {}): EndedEpisode {
  const n = spec.n ?? 1;
  const startMs = n * 3_600_000;
  return {
    id: idAt(n),
    task: spec.task ?? 'Fix the failing login test in the auth service',
    taskType: spec.taskType ?? 'debugging',
    context: { domain: 'web', complexity: 'simple', tags: [], ...spec.context },
    tags: [],
    metadata: {},
    startedAt: isoAt(startMs),
    endedAt: isoAt(startMs + (spec.durationMs ?? 30_000)),
    steps: (spec.steps ?? []).map((s, i) => makeStep(i + 1, s)),
    outcome: spec.outcome ?? success(),
    patternIds: [],
    heuristicIds: [],
  };
}
