import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { MemoryError, redactUrl } from '../core/index.js';
import { loadTauRetail, type TauTask, tauTaskToRecord, usesOnlyOrderActions } from '../datasets/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import { type Cli, dbOf, output, withMemory } from './context.js';
import { renderDemo } from './demo-render.js';
import { integer } from './parse.js';
import { createProgress } from './progress.js';
import { embedStale } from './reindex.js';
import type { Playbook } from './render.js';
import { retrievalJson } from './retrieve.js';

export type DemoReport = Awaited<ReturnType<typeof runDemo>>;

export function registerDemoCommand(program: Command, cli: Cli): void {
  program
    .command('demo')
    .description(
      'learn from 500 tau-bench retail episodes, then advise on a held-back task (uses a temporary db)',
    )
    .option(
      '--task-index <n>',
      'which test task to advise on (position in the test split; default: the first that fits)',
      integer('--task-index', 0),
    )
    .addHelpText(
      'after',
      `
Without --db the demo writes to a fresh temporary database, never to your own memory; its path is printed
at the end so you can keep exploring it. The held-back task is a tau-bench test task whose gold actions are
only the six order-changing tools the train split teaches.

It takes a few seconds with the default embeddings (hash). With the local sentence encoder
(--embeddings use) it takes 40 s or more on two cores, most of it embedding the 500 episodes.

Example:
  $ slmem demo
  $ slmem demo --task-index 71 --json | jq '.playbook.steps'
  $ slmem --embeddings use demo`,
    )
    .action(async (flags: { taskIndex?: number }, command: Command) => {
      const explicitDb = command.getOptionValueSourceWithGlobals('db') === 'cli';
      const db = explicitDb
        ? dbOf(command, cli.env)
        : join(mkdtempSync(join(tmpdir(), 'slmem-demo-')), 'memory.db');
      const tasks = await loadTauRetail();
      const test = pickTestTask(tasks, flags.taskIndex);
      const report = await withMemory(command, cli, (memory) => runDemo(memory, cli, tasks, test), db);
      const full = { db: redactUrl(db), temporary: !explicitDb, ...report };
      output(command, cli, full, (t) => renderDemo(t, full));
    });
}

function pickTestTask(tasks: TauTask[], index: number | undefined): { index: number; task: TauTask } {
  const test = tasks.filter((t) => t.split === 'test');
  const fitting = test.flatMap((task, i) => (usesOnlyOrderActions(task) ? [i] : []));
  const chosen = index ?? fitting[0];
  if (chosen === undefined || !fitting.includes(chosen)) {
    throw new MemoryError(
      'INVALID_INPUT',
      `--task-index must be a test task that uses only order-changing actions: ${ranges(fitting)}`,
    );
  }
  return { index: chosen, task: test[chosen]! };
}

/** `[1, 2, 3, 7]` → `1-3, 7`. */
function ranges(values: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    out.push(i === j ? String(values[i]) : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

async function runDemo(
  memory: SelfLearningMemory,
  cli: Cli,
  tasks: TauTask[],
  test: { index: number; task: TauTask },
) {
  const records = tasks.filter((t) => t.split === 'train').map((task, i) => tauTaskToRecord(task, i));
  const progress = createProgress(cli.stderr, 'Learning from tau-bench retail');
  const started = performance.now();
  const imported = await memory.importEpisodes(records, {
    batchSize: 50,
    onProgress: progress.update,
    embed: false,
  });
  progress.finish();
  const seconds = (performance.now() - started) / 1_000;
  // A db that already holds the demo keeps its episodes: same ids, so they come back as conflicts.
  const alreadyThere = imported.failed.filter((f) => f.error.code === 'CONFLICT').length;
  // Embed now (not in the background) so the question below uses vectors too.
  const embedded = await embedStale(memory, cli);

  const stats = await memory.stats();
  const { patternsByType } = stats;

  const query = { task: test.task.instruction, context: { domain: 'retail' } };
  const retrieval = await memory.retrieve({ ...query, limit: 5 });
  const playbook = await memory.playbook(query);
  const { episodes, patterns, heuristics } = retrievalJson(retrieval);
  return {
    learning: {
      imported: imported.imported,
      alreadyThere,
      failed: imported.failed.length - alreadyThere,
      seconds: Math.round(seconds * 100) / 100,
      episodes: stats.completedEpisodes,
      patterns: stats.patterns,
      patternsByType,
      heuristics: stats.heuristics,
      embeddings: embedded.provider,
      embedSeconds: embedded.seconds,
    },
    task: { split: 'test', index: test.index, userId: test.task.userId, instruction: test.task.instruction },
    episodes,
    patterns: patterns.slice(0, 5),
    heuristics: heuristics.slice(0, 3),
    playbook,
    expert: compareWithExpert(playbook, test.task),
  };
}

export type StepMatch = 'same-position' | 'elsewhere' | 'missing';

/** Each gold action of the expert, and whether the playbook has it at the same position, elsewhere, or not at all. */
function compareWithExpert(playbook: Playbook, task: TauTask) {
  const tools = playbook.steps.map((s) => s.tool);
  const steps = task.actions.map((action, i) => {
    const at = tools.indexOf(action.name);
    const match: StepMatch = tools[i] === action.name ? 'same-position' : at >= 0 ? 'elsewhere' : 'missing';
    return {
      order: i + 1,
      tool: action.name,
      match,
      playbookStep: tools[i] === action.name ? i + 1 : at >= 0 ? at + 1 : null,
    };
  });
  return {
    steps,
    inPlaybook: steps.filter((s) => s.match !== 'missing').length,
    samePosition: steps.filter((s) => s.match === 'same-position').length,
  };
}
