import { describe, expect, it } from 'vitest';
import type { ToolCount } from '../../src/core/index.js';
import { predictionMatch, predictTools, taskFeatures, toolEvidenceOf } from '../../src/learning/index.js';
import { fail, failure, makeEpisode } from './fixtures.js';

/** Counts as the store keeps them, from (words, tools, success) episodes. */
function countsOf(episodes: Array<[string, string[], boolean]>): ToolCount[] {
  const cells = new Map<string, ToolCount>();
  for (const [task, tools, success] of episodes) {
    for (const feature of ['*', ...taskFeatures(task, {})])
      for (const tool of ['*', ...tools]) {
        const key = `${feature}|${tool}`;
        const cell = cells.get(key) ?? { feature, tool, successes: 0, failures: 0 };
        if (success) cell.successes++;
        else cell.failures++;
        cells.set(key, cell);
      }
  }
  return [...cells.values()];
}

const memory = countsOf([
  ['exchange my keyboard', ['find_user', 'exchange_items'], true],
  ['exchange the lamp please', ['find_user', 'exchange_items'], true],
  ['exchanged a wrong size', ['find_user', 'exchange_items'], true],
  ['return my headphones', ['find_user', 'return_items'], true],
  ['return the cleaner', ['find_user', 'return_items'], true],
  ['cancel the order', ['find_user', 'cancel_order'], true],
  ['exchange the kettle', ['find_user', 'transfer_to_human'], false],
]);

describe('taskFeatures', () => {
  it('stems words, drops identifiers and adds the context', () => {
    const features = taskFeatures('Exchanging order #W2378156 items', { taskType: 'other', language: 'TS' });
    expect(features).toContain('exchang');
    expect(features).toContain('item');
    expect(features.some((f) => f.includes('2378156'))).toBe(false);
    expect(features.slice(-2)).toEqual(['type:other', 'lang:ts']);
  });
});

describe('toolEvidenceOf', () => {
  it('counts the tools an episode ran successfully, and its outcome', () => {
    const episode = makeEpisode({
      task: 'deploy the api',
      steps: ['build', fail('push'), 'deploy'],
      outcome: failure(),
    });
    const evidence = toolEvidenceOf(episode);
    expect(evidence.tools).toEqual(['*', 'build', 'deploy']);
    expect(evidence.features).toContain('*');
    expect(evidence.features).toContain('deploy');
    expect(evidence.success).toBe(false);
  });
});

describe('predictTools', () => {
  it('predicts the write a task asks for above the domain prior', () => {
    const model = predictTools(memory, taskFeatures('I want to exchange a jacket', {}));
    const get = (tool: string) => model.find((p) => p.tool === tool)!;
    expect(get('exchange_items').success).toBeGreaterThan(get('exchange_items').prior);
    expect(get('exchange_items').success).toBeGreaterThan(get('return_items').success);
    // find_user is in every successful episode: the words cannot lift it.
    expect(get('find_user').success).toBeCloseTo(1, 5);
    expect(get('transfer_to_human').failure).toBeGreaterThan(get('transfer_to_human').success);
  });

  it('falls back to the prior for words it never saw, and knows nothing of an empty memory', () => {
    const model = predictTools(memory, taskFeatures('zzz qqq', {}));
    for (const p of model) expect(p.success).toBeCloseTo(p.prior, 10);
    expect(predictTools([], ['exchang'])).toEqual([]);
  });
});

describe('predictionMatch', () => {
  it('rewards the episodes that used the predicted tools, in [0, 1]', () => {
    const model = predictTools(memory, taskFeatures('return my speaker', {}));
    const returned = predictionMatch(model, new Set(['find_user', 'return_items']));
    const exchanged = predictionMatch(model, new Set(['find_user', 'exchange_items']));
    expect(returned).toBeGreaterThan(exchanged);
    expect(returned).toBeLessThanOrEqual(1);
    expect(exchanged).toBeGreaterThanOrEqual(0);
    expect(predictionMatch([], new Set(['x']))).toBe(0);
  });
});
