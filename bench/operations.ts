import { join } from 'node:path';
import type { EndedEpisode } from '../src/learning/index.js';
import { extractPatterns } from '../src/learning/index.js';
import type { SelfLearningMemory } from '../src/memory/index.js';
import type { BenchContext } from './context.js';
import { fill, generate, openBench, queries, stepsFor } from './fixtures.js';
import { type Stats, sample, TARGETS, timed } from './measure.js';

/**
 * Each operation on one store pre-filled with `ctx.sizes.ops` episodes, hash embeddings: start, log step,
 * complete (5, 20, 100 steps), pattern extraction, retrieval (lexical, hybrid, cached), playbook, bulk import.
 */
export async function benchOperations(ctx: BenchContext): Promise<Stats[]> {
  const db = join(ctx.dir, 'operations.db');
  const { n, rng, sources } = ctx;
  const memory = await openBench(db, 'hash', true);
  const stats: Stats[] = [];
  try {
    await fill(memory, generate(sources, rng, ctx.sizes.ops), 100);
    await memory.reindex();
    ctx.log(`operations: store of ${ctx.sizes.ops} episodes ready`);
    stats.push(...(await benchStartAndLog(ctx, memory, n.cheap)));
    for (const [steps, count] of [
      [5, n.cheap],
      [20, n.medium],
      [100, n.few],
    ] as const) {
      stats.push(await benchCompletion(ctx, memory, steps, count));
    }
    stats.push(await benchExtraction(ctx, memory));
    stats.push(...(await benchRetrieval(ctx, memory, db)));
    stats.push(
      await sample(
        'bulk import (batch of 100)',
        { n: n.batches, warmup: 1, itemsPerOp: 100, note: 'throughput = episodes/s; embed: false' },
        async () => {
          const batch = generate(sources, rng, 100);
          return timed(() => fill(memory, batch, 100));
        },
      ),
    );
  } finally {
    await memory.close();
  }
  return stats;
}

/**
 * `startEpisode` `count` times, then `logStep` (awaited: committed) `count` times into the started episodes,
 * which stay active. `suffix` names the store size in the growth table.
 */
export async function benchStartAndLog(
  ctx: BenchContext,
  memory: SelfLearningMemory,
  count: number,
  suffix = '',
): Promise<[start: Stats, logStep: Stats]> {
  const tasks = generate(ctx.sources, ctx.rng, count + 50);
  const record = (i: number) => tasks[(i + tasks.length) % tasks.length]!;
  const started: string[] = [];
  const start = await sample(
    `start episode${suffix}`,
    { n: count, warmup: 20, targetMs: TARGETS.start },
    async (i) => {
      const { task, context } = record(i);
      return timed(async () => started.push((await memory.startEpisode({ task, ...opt(context) })).id));
    },
  );
  const logged = stepsFor(record(0), ctx.sources, ctx.rng, 200);
  const logStep = await sample(
    `log step (awaited)${suffix}`,
    { n: count, warmup: 20, targetMs: TARGETS.logStep },
    (i) =>
      timed(() => memory.logStep(started[(i + started.length) % started.length]!, logged[(i + 200) % 200]!)),
  );
  return [start, logStep];
}

/** Completion of an episode of `steps` steps: the steps are logged untimed, then background embedding waited. */
export async function benchCompletion(
  ctx: BenchContext,
  memory: SelfLearningMemory,
  steps: number,
  count: number,
  name = `complete episode (${steps} steps)`,
): Promise<Stats> {
  const warmup = Math.min(10, Math.max(2, Math.floor(count / 10)));
  return sample(name, { n: count, warmup, targetMs: TARGETS.complete }, async () => {
    const [record] = generate(ctx.sources, ctx.rng, 1);
    const episode = await memory.startEpisode({ task: record!.task, ...opt(record!.context) });
    for (const step of stepsFor(record!, ctx.sources, ctx.rng, steps)) await memory.logStep(episode.id, step);
    const ms = await timed(() => memory.completeEpisode(episode.id, record!.outcome));
    await memory.flush();
    return ms;
  });
}

async function benchExtraction(ctx: BenchContext, memory: SelfLearningMemory): Promise<Stats> {
  const [record] = generate(ctx.sources, ctx.rng, 1);
  const started = await memory.startEpisode({ task: record!.task, ...opt(record!.context) });
  for (const step of stepsFor(record!, ctx.sources, ctx.rng, 20)) await memory.logStep(started.id, step);
  await memory.completeEpisode(started.id, record!.outcome);
  const episode = (await memory.getEpisode(started.id)) as EndedEpisode;
  return sample(
    'pattern extraction (20 steps)',
    { n: ctx.n.cheap * 3, warmup: 50, targetMs: TARGETS.extract, note: 'extractPatterns alone, in memory' },
    () => timed(() => extractPatterns(episode)),
  );
}

async function benchRetrieval(ctx: BenchContext, cached: SelfLearningMemory, db: string): Promise<Stats[]> {
  const texts = queries(ctx.sources, ctx.rng, ctx.n.cheap + 20);
  const text = (i: number) => texts[(i + texts.length) % texts.length]!;
  const options = { n: ctx.n.cheap, warmup: 20, targetMs: TARGETS.retrieve };
  const stats: Stats[] = [];
  const lexical = await openBench(db, false);
  try {
    stats.push(
      await sample('retrieve (lexical, BM25)', options, (i) =>
        timed(() => lexical.retrieve({ task: text(i) })),
      ),
    );
  } finally {
    await lexical.close();
  }
  const hybrid = await openBench(db, 'hash');
  try {
    stats.push(
      await sample('retrieve (hybrid, hash)', options, (i) =>
        timed(() => hybrid.retrieve({ task: text(i) })),
      ),
    );
    stats.push(
      await sample('playbook (hybrid, hash)', { ...options, n: ctx.n.medium }, (i) =>
        timed(() => hybrid.playbook({ task: text(i) })),
      ),
    );
  } finally {
    await hybrid.close();
  }
  stats.push(
    await sample('retrieve (cached repeat)', options, async (i) => {
      await cached.retrieve({ task: text(i) });
      return timed(() => cached.retrieve({ task: text(i) }));
    }),
  );
  return stats;
}

/** The record's context as `startEpisode` takes it (absent stays absent). */
export function opt<T>(context: T | undefined): { context?: T } {
  return context === undefined ? {} : { context };
}
