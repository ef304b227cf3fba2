import { contentTokens } from '../../core/index.js';

/**
 * Turns free text into an FTS5 query: its content words (identifiers left out), each quoted (so words like `AND` or `-` are never
 * syntax), joined with OR so BM25 ranks by how many and how rare the shared words are. `null` when the
 * text has no content words.
 */
export function toFtsQuery(text: string, maxTerms = 64): string | null {
  // Tokens with a run of 4+ digits are identifiers (order numbers, zip codes, hashes): they never transfer
  // from one task to the next, and their rarity would make BM25 rank on them.
  const terms = [...new Set(contentTokens(text))].filter((t) => !/\d{4,}/.test(t)).slice(0, maxTerms);
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}
