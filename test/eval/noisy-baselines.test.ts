import { describe, expect, it } from 'vitest';
import { bm25 } from '../../eval/bm25.js';
import {
  type BaselineRun,
  baselinePredictors,
  mostFrequentSequence,
  vote,
} from '../../eval/noisy/baselines.js';

const docs = [
  'I want to return the kettle I bought last week',
  'Please cancel my pending order, I ordered it by mistake',
  'Exchange my keyboard for one with clicky switches',
  'Cancel the order and return the other one',
];

describe('bm25', () => {
  it('ranks a document first when the query is its exact text', () => {
    const search = bm25(docs);
    for (const [i, text] of docs.entries()) expect(search(text)[0]?.index).toBe(i);
  });

  it('returns only documents that share a word, best first', () => {
    const hits = bm25(docs)('cancel order');
    expect(hits.map((h) => h.index).sort()).toEqual([1, 3]);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    expect(bm25(docs)('zzz unrelated')).toEqual([]);
  });
});

const run = (id: string, text: string, tools: string[], success = true): BaselineRun => ({
  id,
  text,
  tools,
  writes: tools.filter((t) => t.startsWith('w_')),
  success,
});

describe('baselines', () => {
  const runs = [
    run('r1', 'cancel my order', ['find', 'w_cancel']),
    run('r2', 'cancel my order', ['find', 'get', 'w_cancel']),
    run('r3', 'cancel my order please', ['find', 'w_return'], false),
    run('r4', 'return the kettle', ['find', 'get', 'w_return']),
    run('r5', 'return the lamp', ['find', 'get', 'w_return']),
  ];
  const predictors = baselinePredictors(runs, (t) => t.startsWith('w_'));

  it('top-1 copies the best successful neighbour and skips failed runs', () => {
    const answer = predictors['top1-bm25']('cancel my order please');
    expect(answer.tools).toEqual(['find', 'w_cancel']);
    expect(answer.ranked[0]).toBe('r3');
  });

  it('the vote keeps tools of at least half the neighbours, in the order of the best one', () => {
    expect(vote([runs[1]!, runs[0]!, runs[3]!])).toEqual(['find', 'get', 'w_cancel']);
    expect(vote([runs[0]!, runs[3]!, runs[4]!])).toEqual(['find']);
  });

  it('confidence is the BM25 share of the top five that agree on the writes', () => {
    // Only r1 and r2 (both w_cancel) share a word with the query among successful runs.
    expect(predictors['top1-bm25']('cancel').confidence).toBe(1);
    const mixed = predictors['top1-bm25']('cancel return order');
    expect(mixed.confidence).toBeGreaterThan(0);
    expect(mixed.confidence).toBeLessThan(1);
  });

  it('the most frequent sequence is counted over successful runs', () => {
    expect(mostFrequentSequence(runs)).toEqual(['find', 'get', 'w_return']);
    expect(predictors['most-frequent']('anything at all').tools).toEqual(['find', 'get', 'w_return']);
  });
});
