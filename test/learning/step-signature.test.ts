import { describe, expect, it } from 'vitest';
import { abstractParams, slotOf, stepSignature, workedSteps } from '../../src/learning/index.js';
import { fail, makeStep } from './fixtures.js';

describe('slotOf', () => {
  it('types values as slots so different tasks agree', () => {
    expect(slotOf('#W2378156')).toBe('<id>');
    expect(slotOf('txn_a8f1c2d3e403')).toBe('<id>');
    expect(slotOf('kenji.tanaka@gmail.com')).toBe('<email>');
    expect(slotOf('2026-11-01')).toBe('<date>');
    expect(slotOf('$1,200.50')).toBe('<amount>');
    expect(slotOf(3)).toBe('<number>');
    expect(slotOf('USD')).toBe('<code>');
    expect(slotOf('no longer needed')).toBe('<text>');
    expect(slotOf(['1', '2'])).toBe('<list>');
  });
});

describe('abstractParams and stepSignature', () => {
  it('give two calls on different orders the same shape', () => {
    const a = { order_id: '#W2378156', reason: 'no longer needed' };
    const b = { reason: 'ordered by mistake', order_id: '#W9999999' };
    expect(abstractParams(a)).toBe('order_id=<id>, reason=<text>');
    expect(abstractParams(b)).toBe(abstractParams(a));
    expect(stepSignature({ tool: 'cancel', params: a })).toBe(stepSignature({ tool: 'cancel', params: b }));
    expect(stepSignature({ tool: 'cancel', params: {} })).not.toBe(
      stepSignature({ tool: 'cancel', params: a }),
    );
  });
});

describe('workedSteps', () => {
  it('keeps successful calls once per run of a tool, and no failed call', () => {
    const steps = ['read', fail('npm'), 'npm', 'npm', 'edit', 'npm'].map((s, i) => makeStep(i + 1, s));
    expect(workedSteps(steps).map((u) => u.tool)).toEqual(['read', 'npm', 'edit', 'npm']);
  });
});
