import { isStopword, MemoryError, tokenize } from '../core/index.js';
import { checkVectors, type EmbeddingProvider, normalize } from './provider.js';

/** Options of {@link createHashEmbedder}. */
export interface HashEmbedderOptions {
  /** Length of the vectors; 384 by default. More dimensions mean fewer hash collisions. */
  dimensions?: number;
}

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.7;
/**
 * Shared by all character n-grams of one word, so a long word weighs no more than a short one. Each n-gram
 * gets 0.4 / sqrt(count) so that the word's n-grams together have an L2 norm of 0.4; with 0.4 / count they
 * would add up to 0.4 but their norm would shrink to about 0.12 and stems would barely count.
 */
const CHAR_NGRAM_WEIGHT = 0.4;

/**
 * A dependency-free embedder by signed feature hashing: words, word bigrams and the character 3- and
 * 4-grams of each word, so texts sharing stems ("returning kettles", "return the kettle") land close.
 * Deterministic and fast (no model), but it knows no synonyms.
 *
 * @example
 * const provider = createHashEmbedder({ dimensions: 256 });
 * const [a, b] = await provider.embed(['return the kettle', 'returning kettles']);
 * cosine(a!, b!); // well above the similarity of unrelated texts
 */
export function createHashEmbedder(options: HashEmbedderOptions = {}): EmbeddingProvider {
  const dimensions = options.dimensions ?? 384;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new MemoryError(
      'INVALID_INPUT',
      `hash embedder dimensions must be a positive integer, got ${dimensions}`,
    );
  }
  const provider = {
    id: `hash-v1-${dimensions}`,
    dimensions,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      return checkVectors(
        provider,
        texts.length,
        texts.map((text) => hashEmbed(text, dimensions)),
      );
    },
  };
  return provider;
}

/** The vector of one text: each feature adds ±(mean weight × (1 + ln tf)) at its hashed index. */
function hashEmbed(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const [feature, { weight, count }] of extractFeatures(text)) {
    const hash = fnv1a(feature);
    const index = hash % dimensions;
    const sign = mix(hash) & 1 ? -1 : 1;
    vector[index]! += sign * (weight / count) * (1 + Math.log(count));
  }
  return normalize(vector);
}

type Features = Map<string, { weight: number; count: number }>;

function extractFeatures(text: string): Features {
  const features: Features = new Map();
  const add = (feature: string, weight: number) => {
    const seen = features.get(feature);
    if (seen) {
      seen.weight += weight;
      seen.count++;
    } else features.set(feature, { weight, count: 1 });
  };
  const words = tokenize(text).filter((word) => !isStopword(word));
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    add(`w:${word}`, WORD_WEIGHT);
    if (i > 0) add(`b:${words[i - 1]} ${word}`, BIGRAM_WEIGHT);
    const grams = charNgrams(`#${word}#`);
    for (const gram of grams) add(`c:${gram}`, CHAR_NGRAM_WEIGHT / Math.sqrt(grams.length));
  }
  return features;
}

function charNgrams(padded: string): string[] {
  const grams: string[] = [];
  for (const n of [3, 4]) for (let i = 0; i + n <= padded.length; i++) grams.push(padded.slice(i, i + n));
  return grams;
}

/** FNV-1a, 32 bits, over UTF-16 code units (enough for hashing; it need not match other implementations). */
function fnv1a(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The sign comes from remixed bits, since the index already consumed `hash mod dimensions`. */
function mix(hash: number): number {
  const h = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}
