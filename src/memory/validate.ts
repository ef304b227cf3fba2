import {
  type Episode,
  EpisodeRecordSchema,
  MemoryError,
  type MemoryLimits,
  normalizeTags,
  type ParsedEpisodeRecord,
  parseInput,
  recordSteps,
  type StartEpisodeInput,
  StartEpisodeInputSchema,
  type Step,
  type StepInput,
  StepInputSchema,
  TaskContextSchema,
  truncateText,
} from '../core/index.js';

/** Checks the task against the limit; throws LIMIT_EXCEEDED naming the size. */
export function checkTask(task: string, limits: MemoryLimits): void {
  if (task.length > limits.maxTaskChars) {
    throw new MemoryError(
      'LIMIT_EXCEEDED',
      `task is ${task.length} characters; the limit is ${limits.maxTaskChars}. Shorten it or put details in metadata.`,
      { details: { field: 'task', length: task.length, limit: limits.maxTaskChars } },
    );
  }
}

/** Parses a `startEpisode` input into a new episode in progress; the id is drawn only once it is valid. */
export function prepareEpisode(
  input: StartEpisodeInput,
  options: { newId: () => string; nowIso: () => string; limits: MemoryLimits },
): Episode {
  const parsed = parseInput(StartEpisodeInputSchema, input, 'start episode');
  checkTask(parsed.task, options.limits);
  return {
    id: options.newId(),
    task: parsed.task,
    taskType: parsed.taskType,
    context: { ...parsed.context, tags: normalizeTags(parsed.context.tags, 'context.tags') },
    tags: normalizeTags(parsed.tags),
    metadata: parsed.metadata,
    startedAt: options.nowIso(),
    steps: [],
    patternIds: [],
    heuristicIds: [],
  };
}

/** Applies the step limits: output and messages are truncated with a marker, oversize params are rejected. */
export function limitStep(step: Omit<Step, 'seq'>, limits: MemoryLimits): Omit<Step, 'seq'> {
  const json = JSON.stringify(step.params);
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most params fit without counting their bytes.
  const bytes = json.length * 3 <= limits.maxParamsBytes ? 0 : Buffer.byteLength(json);
  if (bytes > limits.maxParamsBytes) {
    throw new MemoryError(
      'LIMIT_EXCEEDED',
      `params of step "${step.tool}" are ${bytes} bytes of JSON; the limit is ${limits.maxParamsBytes}. Store a reference instead of the payload.`,
      { details: { field: 'params', bytes, limit: limits.maxParamsBytes } },
    );
  }
  const max = limits.maxStepOutputChars;
  const { result } = step;
  if (result.status === 'success' && result.output !== undefined && result.output.length > max) {
    return { ...step, result: { status: 'success', output: truncateText(result.output, max) } };
  }
  if (result.status === 'error' && result.message.length > max) {
    return { ...step, result: { status: 'error', message: truncateText(result.message, max) } };
  }
  return step;
}

/** Parses a `logStep` input and fills its defaults. */
export function prepareStep(input: StepInput, nowIso: string, limits: MemoryLimits): Omit<Step, 'seq'> {
  const parsed = parseInput(StepInputSchema, input, 'log step');
  // Field by field rather than rest and spread, which cost more than the parse itself on this hot path.
  const step: Omit<Step, 'seq'> = {
    tool: parsed.tool,
    action: parsed.action,
    params: parsed.params,
    result: parsed.result,
    latencyMs: parsed.latencyMs,
    metadata: parsed.metadata,
    at: parsed.at ?? nowIso,
  };
  if (parsed.tokens !== undefined) step.tokens = parsed.tokens;
  return limitStep(step, limits);
}

/** Turns an import record into a whole episode (steps and outcome, no learning yet), enforcing every limit. */
export function recordToEpisode(
  input: unknown,
  options: { newId: () => string; now: number; limits: MemoryLimits },
): Episode {
  const record: ParsedEpisodeRecord = parseInput(EpisodeRecordSchema, input, 'episode record');
  checkTask(record.task, options.limits);
  if (record.steps.length > options.limits.maxStepsPerEpisode) {
    throw new MemoryError(
      'LIMIT_EXCEEDED',
      `the episode has ${record.steps.length} steps; the limit is ${options.limits.maxStepsPerEpisode}.`,
      { details: { field: 'steps', count: record.steps.length, limit: options.limits.maxStepsPerEpisode } },
    );
  }
  const latency = record.steps.reduce((sum, s) => sum + (s.latencyMs ?? 0), 0);
  const endedAtMs = record.endedAt ? Date.parse(record.endedAt) : undefined;
  const startedAtMs = record.startedAt ? Date.parse(record.startedAt) : (endedAtMs ?? options.now) - latency;
  const context = TaskContextSchema.parse(record.context ?? {});
  const steps = recordSteps(record, startedAtMs).map((s, i) => ({
    ...limitStep(s, options.limits),
    seq: i + 1,
  }));
  return {
    id: record.id ?? options.newId(),
    task: record.task,
    taskType: record.taskType ?? 'other',
    context: { ...context, tags: normalizeTags(context.tags, 'context.tags') },
    tags: normalizeTags(record.tags ?? []),
    metadata: record.metadata ?? {},
    startedAt: new Date(startedAtMs).toISOString(),
    endedAt: new Date(endedAtMs ?? startedAtMs + latency).toISOString(),
    steps,
    outcome: record.outcome,
    patternIds: [],
    heuristicIds: [],
  };
}
