/**
 * The evaluation's own Okapi BM25, the reference every retrieval table is held against: a small, well-known
 * ranking over the episodes' task text only (no steps, no learning), written here so that it does not change
 * with the library.
 */

/** Lower-cased runs of letters and digits; single characters dropped. */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => t.length > 1);
}

/**
 * Okapi BM25 over the given documents: idf = ln(1 + (N − df + 0.5) / (df + 0.5)); returns every document with a
 * positive score for the query, best first (ties by document order).
 *
 * @example
 * bm25(['return a kettle', 'cancel an order'])('cancel my order')[0]; // { index: 1, score: … }
 */
export function bm25(docs: readonly string[], k1 = 1.2, b = 0.75) {
  const tokens = docs.map(tokenize);
  const avgLength = tokens.reduce((sum, t) => sum + t.length, 0) / Math.max(1, tokens.length);
  const df = new Map<string, number>();
  for (const doc of tokens) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string) =>
    Math.log(1 + (docs.length - (df.get(term) ?? 0) + 0.5) / ((df.get(term) ?? 0) + 0.5));
  const counts = tokens.map((doc) => {
    const tf = new Map<string, number>();
    for (const term of doc) tf.set(term, (tf.get(term) ?? 0) + 1);
    return tf;
  });
  return (query: string): Array<{ index: number; score: number }> => {
    const terms = [...new Set(tokenize(query))];
    return counts
      .map((tf, index) => {
        const norm = k1 * (1 - b + (b * tokens[index]!.length) / Math.max(1, avgLength));
        const score = terms.reduce(
          (sum, t) => sum + (idf(t) * (tf.get(t) ?? 0) * (k1 + 1)) / ((tf.get(t) ?? 0) + norm),
          0,
        );
        return { index, score };
      })
      .filter((d) => d.score > 0)
      .sort((x, y) => y.score - x.score || x.index - y.index);
  };
}

/** A document for the reference ranking: an episode's id and its task text. */
export interface TaskText {
  id: string;
  task: string;
}

/**
 * The reference ranking: BM25 over the episodes' task texts, answering the ids of the first `limit`.
 *
 * @example
 * const rank = referenceRanker(records.map((r) => ({ id: r.id!, task: r.task })));
 * rank('cancel my order', 10); // ['…', '…']
 */
export function referenceRanker(episodes: readonly TaskText[]): (query: string, limit: number) => string[] {
  const search = bm25(episodes.map((e) => e.task));
  return (query, limit) =>
    search(query)
      .slice(0, limit)
      .map((hit) => episodes[hit.index]!.id);
}
