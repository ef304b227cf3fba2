import { describe, expect, it } from 'vitest';
import {
  followedSuccess,
  SequenceCounter,
  sameMultiset,
  successCurves,
} from '../../eval/noisy/replay-agent.js';
import { playbookTools } from '../../eval/noisy/score.js';

describe('replay agent', () => {
  it('a followed playbook succeeds when its writes equal the gold writes as a multiset', () => {
    const steps = [
      { tool: 'find', kind: 'lookup' as const },
      { tool: 'w_b', kind: 'write' as const },
      { tool: 'w_a', kind: 'write' as const },
    ];
    expect(followedSuccess(steps, ['w_a', 'w_b'])).toBe(true);
    expect(followedSuccess(steps, ['w_a', 'w_a', 'w_b'])).toBe(false);
    expect(sameMultiset([], [])).toBe(true);
  });

  it('counts the most frequent successful sequence', () => {
    const counter = new SequenceCounter();
    expect(counter.mostFrequent).toEqual([]);
    counter.add(['a', 'b']);
    counter.add(['c']);
    counter.add(['c']);
    expect(counter.mostFrequent).toEqual(['c']);
  });

  it('success curves are cumulative and over a window', () => {
    const curves = successCurves([true, false, true, true], 2);
    expect(curves.cumulative).toEqual([1, 0.5, 2 / 3, 0.75]);
    expect(curves.rolling).toEqual([1, 0.5, 0.5, 1]);
  });
});

describe('playbook tools', () => {
  it('repeats a step the library says to run several times', () => {
    expect(playbookTools([{ tool: 'find' }, { tool: 'w_dispute', times: 3 } as { tool: string }])).toEqual([
      'find',
      'w_dispute',
      'w_dispute',
      'w_dispute',
    ]);
    expect(playbookTools([{ tool: 'a', times: 0 } as { tool: string }])).toEqual(['a']);
  });
});
