import { describe, expect, it } from 'vitest';
import { summarizeEpisode } from '../../src/learning/index.js';
import { fail, makeEpisode } from './fixtures.js';

describe('summarizeEpisode', () => {
  it('writes one sentence with task type, domain, outcome and tools', () => {
    const episode = makeEpisode({
      task: 'Fix the flaky login test.',
      steps: ['read_file', 'edit', 'read_file'],
    });
    const { text } = summarizeEpisode(episode);
    expect(text).toBe(
      'debugging in web: Fix the flaky login test. Outcome: success. Tools: read_file → edit.',
    );
  });

  it('stays within 300 characters for long tasks and many tools', () => {
    const tools = Array.from({ length: 40 }, (_, i) => `some_long_tool_name_${i}`);
    const { text } = summarizeEpisode(makeEpisode({ task: 'word '.repeat(200), steps: tools }));
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text).toContain('Outcome: success.');
    expect(text.endsWith('→ ….')).toBe(true);
  });

  it('lists up to ten concepts: language, framework, task terms and tools', () => {
    const episode = makeEpisode({
      task: 'Refactor the payment webhook handler; webhook retries double charge',
      context: { language: 'TypeScript', framework: 'express' },
      steps: ['grep', 'edit', 'vitest'],
    });
    const { keyConcepts } = summarizeEpisode(episode);
    expect(keyConcepts.slice(0, 3)).toEqual(['typescript', 'express', 'webhook']);
    expect(keyConcepts).toEqual(expect.arrayContaining(['grep', 'edit', 'vitest', 'payment']));
    expect(keyConcepts).not.toContain('the');
    expect(keyConcepts.length).toBeLessThanOrEqual(10);
  });

  it('picks the first and last steps and each failure with the step after it', () => {
    const steps = ['read', 'edit', fail('test'), 'edit', 'test', 'lint', 'commit'];
    const { keySteps } = summarizeEpisode(makeEpisode({ steps }));
    expect(keySteps).toEqual([
      '1. read: read step (success)',
      '3. test: test step (error)',
      '4. edit: edit step (success)',
      '7. commit: commit step (success)',
    ]);
    expect(summarizeEpisode(makeEpisode({ steps: [] })).keySteps).toEqual([]);
  });

  it('caps key steps at five', () => {
    const steps = ['a', fail('b'), 'c', fail('d'), 'e', fail('f'), 'g', 'h'];
    const { keySteps } = summarizeEpisode(makeEpisode({ steps }));
    expect(keySteps).toHaveLength(5);
    expect(keySteps[0]).toMatch(/^1\. a/);
    expect(keySteps[4]).toMatch(/^8\. h/);
  });
});
