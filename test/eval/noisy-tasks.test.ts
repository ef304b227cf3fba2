import { describe, expect, it } from 'vitest';
import { bankingQuery, firstPerson, fitWords } from '../../eval/noisy/short-query.js';
import { bankingSplit } from '../../eval/noisy/tau2-tasks.js';
import { discoverableKind, toolKind } from '../../eval/noisy/tool-kinds.js';

describe('banking short query', () => {
  it('takes a scripted opening line, without a bare greeting', () => {
    const text = 'You are Ann.\n**Opening:** "Hi! I need to close my Gold card. It costs too much."\nMore.';
    expect(bankingQuery(text)).toBe('I need to close my Gold card. It costs too much.');
  });

  it('turns "Start by saying you want" into a first message', () => {
    const text =
      'You are playing the role of a customer.\n- Start by saying you want to change the email on your account.';
    expect(bankingQuery(text)).toBe('I want to change the email on my account.');
  });

  it('otherwise keeps what the customer wants and drops persona sentences', () => {
    const text =
      'You are playing the role of a customer named Bo. Your email is bo@x.io. You want to close your savings account. It is old.';
    expect(bankingQuery(text)).toBe('I want to close my savings account.');
  });

  it('keeps whole sentences up to 25 words and cuts a long first one', () => {
    expect(fitWords(['one two three.', 'four five.'], 4)).toBe('one two three.');
    expect(fitWords(['a b c d e f'], 4)).toBe('a b c d');
    expect(firstPerson("you're sure your card can help you")).toBe("I'm sure my card can help me");
  });

  it('splits banking tasks by a seeded hash, stable for an id', () => {
    expect(bankingSplit('task_001')).toBe(bankingSplit('task_001'));
    const ids = Array.from({ length: 400 }, (_, i) => `task_${i}`);
    const train = ids.filter((id) => bankingSplit(id) === 'train').length / ids.length;
    expect(train).toBeGreaterThan(0.58);
    expect(train).toBeLessThan(0.72);
  });
});

describe('tool kinds', () => {
  it('classes retail tools from the table and banking targets by verb', () => {
    expect(toolKind('retail', 'get_order_details')).toBe('lookup');
    expect(toolKind('retail', 'exchange_delivered_order_items')).toBe('write');
    expect(toolKind('retail', 'transfer_to_human_agents')).toBe('handoff');
    expect(() => toolKind('retail', 'invented_tool')).toThrow(/not classified/);
    expect(toolKind('banking', 'log_verification')).toBe('prep');
    expect(discoverableKind('get_bank_account_transactions_9173')).toBe('lookup');
    expect(discoverableKind('freeze_debit_card_3892')).toBe('write');
    expect(discoverableKind('initial_transfer_to_human_agent_0218')).toBe('handoff');
  });
});
