import { contentTokens } from '../../core/index.js';

/**
 * The words of a text a full-text search looks for: its content words, distinct, in order, identifiers left
 * out. Tokens with a run of 4+ digits are identifiers (order numbers, zip codes, hashes): they never transfer
 * from one task to the next, and their rarity would make BM25 rank on them.
 */
export function ftsTerms(text: string, maxTerms = 64): string[] {
  return [...new Set(contentTokens(text))].filter((t) => !/\d{4,}/.test(t)).slice(0, maxTerms);
}

/** One word as an FTS5 string, so words like `AND` or `-` are never syntax. */
export function quoteFtsTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * Turns free text into an FTS5 query: its words (`ftsTerms`) joined with OR so BM25 ranks by how many and how
 * rare the shared words are. `null` when the text has no content words.
 */
export function toFtsQuery(text: string, maxTerms = 64): string | null {
  const terms = ftsTerms(text, maxTerms);
  if (terms.length === 0) return null;
  return terms.map(quoteFtsTerm).join(' OR ');
}
