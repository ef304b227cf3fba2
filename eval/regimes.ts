/**
 * The two moments an agent asks the memory: before it starts, with the customer's short first message
 * (`short`, about 15-20 words), and once it understands the request, with the whole of it (`long`). Every set
 * is asked in both where the data allows; webarena intents are one short sentence, so it has `short` only.
 */
import { firstPerson, fitWords, sentences } from './noisy/short-query.js';

export const REGIMES = ['short', 'long'] as const;
export type Regime = (typeof REGIMES)[number];

/** The length of a derived first message. */
export const SHORT_WORDS = 20;

/**
 * Sentences about who the customer is rather than what they want: their name, zip code or e-mail (the data
 * also spells it "You name is"), and the tau-bench personality lists ("You are logical, independent, polite.",
 * "You are Yusuf Rossi in 19122.").
 */
const PERSONA = /^(you are|you're (a|an|the)\b)|\b(name|zip code|email|user id) is\b/i;

/**
 * A short first message from a request written to the customer: its sentences in order without the persona
 * ones, put in the first person, whole sentences kept while they fit in `limit` words (a first sentence longer
 * than that is cut at the limit). With nothing left, the first sentence.
 *
 * @example
 * firstMessage('Your name is Ann and your zip code is 19031. You are polite. Return #W6067464 via paypal: Kettle;');
 * // 'Return #W6067464 via paypal: Kettle;'
 */
export function firstMessage(request: string, limit = SHORT_WORDS): string {
  const all = sentences(request);
  const kept = all.filter((s) => !PERSONA.test(s));
  return fitWords((kept.length > 0 ? kept : all.slice(0, 1)).map(firstPerson), limit);
}

/** Words of a text, as the tables count them. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
