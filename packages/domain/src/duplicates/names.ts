import { distance } from 'fastest-levenshtein';

/** Letters that Unicode decomposition leaves whole but people write without their stroke or ligature. */
const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const FOLDABLE = new RegExp(`[${Object.keys(FOLDED_LETTERS).join('')}]`, 'gu');
const COMBINING_MARKS = /\p{M}+/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/**
 * The form of a name that ignores what people vary when they type the same name twice: accents
 * (NFKD, then combining marks removed; ß, æ, ø, ł and the like folded as `unaccent` does), case,
 * punctuation (every run of anything but letters and digits becomes one space) and word order
 * (words sorted). `Lovelace, Ada` and `ada lovelace` → `ada lovelace`; `José Müller` →
 * `jose muller`. A name of nothing but punctuation has the empty key.
 */
export function nameKey(name: string): string {
  if (ASCII_ONLY.test(name)) return asciiNameKey(name);
  const words = name
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(FOLDABLE, (letter) => FOLDED_LETTERS[letter] ?? letter)
    .replace(NOT_LETTER_OR_DIGIT, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0);
  return words.sort().join(' ');
}

const ASCII_ONLY = /^\p{ASCII}*$/u;
const NOT_ASCII_LETTER_OR_DIGIT = /[^a-z0-9]+/g;

/**
 * `nameKey` of ASCII text, which decomposition, mark removal and folding leave as it is and in
 * which the letters and digits are a-z, A-Z and 0-9: the same key without the Unicode passes,
 * which cost most of an import's time on a name.
 */
function asciiNameKey(name: string): string {
  const words = name
    .toLowerCase()
    .replace(NOT_ASCII_LETTER_OR_DIGIT, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0);
  return words.sort().join(' ');
}

/**
 * How alike two names are, 0 (nothing alike) to 1 (the same key), on their `nameKey`s: the larger
 * of two measures, each catching what the other misses.
 * - Edit similarity: 1 − Levenshtein distance / length of the longer key. Catches typos and
 *   spelling variants (`Jon Smith` / `John Smith` → 0.9).
 * - Word overlap: the Dice coefficient of the two sets of words, 2·|shared| / (|a| + |b|).
 *   Catches a word added or left out (`Ada Lovelace` / `Ada Augusta Lovelace` → 0.8), which the
 *   edit distance counts letter by letter.
 * A name whose key is empty (nothing but punctuation) is like nothing: 0. Names whose numbers
 * differ (`Store 12` / `Store 13`, `Ada Lovelace 1000000` / `Ada Lovelace 1000001`) are different
 * names however alike their letters: at most DIFFERENT_NUMBERS_SIMILARITY, below any weight.
 */
export function nameSimilarity(a: string, b: string): number {
  const keyA = nameKey(a);
  const keyB = nameKey(b);
  if (keyA.length === 0 || keyB.length === 0) return 0;
  if (keyA === keyB) return 1;
  const similarity = Math.max(editSimilarity(keyA, keyB), wordOverlap(keyA, keyB));
  return numbersOf(keyA) === numbersOf(keyB)
    ? similarity
    : Math.min(similarity, DIFFERENT_NUMBERS_SIMILARITY);
}

/** The most two names with different numbers in them can be alike: less than a close name. */
export const DIFFERENT_NUMBERS_SIMILARITY = 0.5;

/** A key's numbers (runs of digits), in order: keys are sorted, so this is a fair comparison. */
function numbersOf(key: string): string {
  return (key.match(/\p{N}+/gu) ?? []).join(' ');
}

function editSimilarity(keyA: string, keyB: string): number {
  return 1 - distance(keyA, keyB) / Math.max(keyA.length, keyB.length);
}

function wordOverlap(keyA: string, keyB: string): number {
  const wordsA = new Set(keyA.split(' '));
  const wordsB = new Set(keyB.split(' '));
  let shared = 0;
  for (const word of wordsA) if (wordsB.has(word)) shared += 1;
  return (2 * shared) / (wordsA.size + wordsB.size);
}
