/**
 * The banking tasks have no `reasonForCall`, only long persona instructions ("You are playing the role of a
 * customer… named Sarah Bosch… You're looking for a credit card…"). An agent's first message is short and
 * vague, so the benchmark asks with a short query derived from them, deterministically:
 *
 * 1. When the instructions script the opening line (the first quote on a line that starts `Opening` or
 *    `Start naturally`: `**Opening:** "Hi, I need …"`), the query is that line, greetings alone ("Hi!") left out.
 * 2. Else a behaviour line "Start by saying you want to change the email on your account" gives "I want to
 *    change the email on my account".
 * 3. Else the sentences that say what the customer wants (they contain want, looking for, would like, 'd like,
 *    need, trying to, hoping to), after dropping persona sentences (the role, the name, income, contact
 *    details, how to behave); with none, the first sentence left. Bullets and bold labels are stripped.
 * 2 and 3 are put in the first person ("You're looking for" → "I'm looking for", "help you" → "help me").
 * Whole sentences are kept while the total stays within `MAX_QUERY_WORDS`; a first sentence longer than that
 * is cut at the limit.
 */
export const MAX_QUERY_WORDS = 25;

const WANTS =
  /\b(want|wants|wanted|looking for|looking to|would like|'d like|need|needs|trying to|hoping to)\b/i;
const PERSONA =
  /\b(named|your name|name is|playing the role|character|representative|never respond|on the line|persona|annual income|earns|you are a|you're a|behavior|only mention|don't dump|guidelines|(email|phone number|date of birth|user id|address) is)\b/i;
const OPENING = /^[\s*#\d.[\]-]*[^\n]*?(Opening|Start naturally)[^\n]*?["“]([^"”\n]+)/m;
const START_BY = /Start by (?:saying|mentioning|explaining|asking)(?: that)? (you [^\n]+)/i;
const GREETING = /^(hi|hello|hey)( there)?[!.,]*$/i;

/**
 * The short first message of a banking task.
 *
 * @example
 * bankingQuery('You are playing the role of a customer. Your name is Ann. You want to close your Gold card.');
 * // 'I want to close my Gold card.'
 */
export function bankingQuery(instructions: string): string {
  const opening = OPENING.exec(instructions)?.[2];
  if (opening) return fitWords(sentences(opening).filter((s) => !GREETING.test(s)));
  const startBy = START_BY.exec(instructions)?.[1];
  if (startBy) return fitWords(sentences(startBy).map(firstPerson));
  const candidates = sentences(instructions).filter((s) => !PERSONA.test(s));
  const wanted = candidates.filter((s) => WANTS.test(s));
  const chosen = wanted.length > 0 ? wanted : candidates.slice(0, 1);
  return fitWords(chosen.map(firstPerson));
}

/** Splits text into trimmed sentences on `.`, `!`, `?` followed by a space, and on line breaks. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) =>
      s
        .replace(/^\s*(?:[-*#]+|\d+\.)\s*/, '')
        .replace(/\*\*[^*]*:\*\*\s*/g, '')
        .replace(/\*\*/g, '')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/** Whole sentences while they fit in `MAX_QUERY_WORDS` words; the first one cut at the limit if it is longer. */
export function fitWords(parts: readonly string[], limit = MAX_QUERY_WORDS): string {
  const words: string[] = [];
  for (const part of parts) {
    const next = part.split(/\s+/).filter(Boolean);
    if (words.length > 0 && words.length + next.length > limit) break;
    words.push(...next.slice(0, limit - words.length));
    if (words.length >= limit) break;
  }
  return words.join(' ');
}

const PRONOUNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(help|give|tell|show|let|ask|call|send|offer|assist|transfer|contact) you\b/gi, '$1 me'],
  [/\bare you\b/gi, 'am I'],
  [/\byou're\b/gi, "I'm"],
  [/\byou are\b/gi, 'I am'],
  [/\byou've\b/gi, "I've"],
  [/\byou'd\b/gi, "I'd"],
  [/\byou'll\b/gi, "I'll"],
  [/\byourself\b/gi, 'myself'],
  [/\byours\b/gi, 'mine'],
  [/\byour\b/gi, 'my'],
  [/\byou\b/gi, 'I'],
];

/** The instructions speak to the customer ("you"); a first message speaks as the customer ("I"). */
export function firstPerson(sentence: string): string {
  const swapped = PRONOUNS.reduce((text, [pattern, word]) => text.replace(pattern, word), sentence);
  return swapped.charAt(0).toUpperCase() + swapped.slice(1);
}
