/** Words that carry no meaning for search or key concepts. */
const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each else few for from further get got had has have having he her
here hers him his how i if in into is it its itself just let me more most my no nor not now of off on once only or other
our ours out over own please same she should so some such than that the their theirs them then there these they this
those through to too under until up very was we were what when where which while who whom why will with would you your
yours via using use used want wants need needs make sure`
    .split(/\s+/)
    .filter(Boolean),
);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * Splits text into lower-case word tokens (letters and digits, with `_` kept so tool names stay whole).
 * Tokens of one character are dropped.
 */
export function tokenize(text: string): string[] {
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  return tokens.filter((t) => t.length > 1);
}

/** Tokens without stopwords or pure numbers: what a text is about. */
export function contentTokens(text: string): string[] {
  return tokenize(text).filter((t) => !STOPWORDS.has(t) && !/^\d+$/.test(t));
}

/** True when `word` occurs in `text` as a whole word (case-insensitive). */
export function hasWholeWord(text: string, word: string): boolean {
  return tokenize(text).includes(word.toLowerCase());
}

/** The `limit` most frequent content tokens, ties broken alphabetically so the result is deterministic. */
export function topTerms(text: string, limit: number): string[] {
  const counts = new Map<string, number>();
  for (const token of contentTokens(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([term]) => term);
}

/** A message on one line: each line break, with the blanks around it, becomes one space. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
