/**
 * The episode text filter for episodes in progress. The full-text index holds an episode once it completes
 * (its summary and reflection are written then), so an episode in progress matches when every word occurs in
 * its task: a case-insensitive substring (LIKE / ILIKE), not a stemmed whole word as for completed ones.
 * Returns one LIKE pattern per word, `\` escaping the wildcards (`_` can be part of a word).
 *
 * @example
 * taskLikePatterns(['login', 'snake_case']) // ['%login%', '%snake\\_case%']
 */
export function taskLikePatterns(words: readonly string[]): string[] {
  return words.map((w) => `%${w.replace(/[\\%_]/g, '\\$&')}%`);
}
