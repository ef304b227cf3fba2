import { describe, expect, it } from 'vitest';
import { bm25, referenceRanker, tokenize } from '../../eval/bm25.js';

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

  it('weighs rare words above common ones', () => {
    // "order" is in two documents, "kettle" in one: the kettle document wins on a query with both.
    expect(bm25(docs)('kettle order')[0]?.index).toBe(0);
    expect(tokenize('A #W123, b-c')).toEqual(['w123']);
  });
});

describe('reference ranker', () => {
  const rank = referenceRanker(docs.map((task, i) => ({ id: `e${i}`, task })));

  it('answers episode ids, best first, at most `limit`', () => {
    expect(rank('return the kettle', 10)[0]).toBe('e0');
    expect(rank('pending order by mistake', 1)).toEqual(['e1']);
    expect(rank('order', 10)).toHaveLength(2);
    expect(rank('nothing here', 10)).toEqual([]);
  });
});
