import { describe, expect, it } from 'vitest';
import { nameKey, nameSimilarity } from './names.js';

describe('nameKey', () => {
  it.each([
    ['word order and punctuation', 'Lovelace, Ada', 'ada lovelace'],
    ['case', 'ADA LOVELACE', 'ada lovelace'],
    ['already a key', 'ada lovelace', 'ada lovelace'],
    ['accents', 'José Müller', 'jose muller'],
    ['accents written as combining marks', 'Jose\u0301 Mu\u0308ller', 'jose muller'],
    ['compatibility forms (NFKD)', 'ﬁona Ｓmith', 'fiona smith'],
    ['letters that do not decompose', 'Łukasz Søren Straße Æsir', 'aesir lukasz soren strasse'],
    ['hyphens and apostrophes become spaces', "Jean-Luc O'Brien", 'brien jean luc o'],
    ['runs of punctuation and space collapse', '  Ada ,,  -- Lovelace  ', 'ada lovelace'],
    ['tabs and newlines', 'Ada\tLovelace\n', 'ada lovelace'],
    ['digits are kept', '7-Eleven Store 42', '42 7 eleven store'],
    // Й decomposes to И and a breve, as `unaccent` maps it too.
    ['non-Latin letters are kept, accents go', 'Ли Вэй', 'вэи ли'],
    ['nothing but punctuation', '--- !!', ''],
  ])('%s: %j → %j', (_, name, key) => {
    expect(nameKey(name)).toBe(key);
  });

  it('gives every spelling of one name the same key', () => {
    const spellings = ['Ada Lovelace', 'Lovelace, Ada', 'ada lovelace', 'ÀDA  LOVELACE.'];
    expect(new Set(spellings.map(nameKey))).toEqual(new Set(['ada lovelace']));
  });
});

/** nameKey as it was before its ASCII shortcut, verbatim: the new one must answer as it did. */
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
function nameKeyByUnicode(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(FOLDABLE, (letter) => FOLDED_LETTERS[letter] ?? letter)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0);
  return words.sort().join(' ');
}

describe('nameKey answers as the Unicode passes alone did', () => {
  let state = 20261129;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
  const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));
  const pieces = [...ascii, ...'Ada Lovelace  Customer 42', 'é', 'ß', 'Ｓ', '\u0301'];
  const names = [
    ...ascii,
    ...Array.from({ length: 20_000 }, () => {
      const length = Math.floor(random() * 24);
      let name = '';
      for (let i = 0; i < length; i++) name += pieces[Math.floor(random() * pieces.length)];
      return name;
    }),
  ];

  it('on every ASCII character and 20,000 generated names, ASCII or not', () => {
    const differing = names.filter((name) => nameKey(name) !== nameKeyByUnicode(name));
    expect(differing).toEqual([]);
  });
});

describe('nameSimilarity', () => {
  it.each([
    ['identical', 'Ada Lovelace', 'Ada Lovelace', 1],
    ['the same key: order, case, accents, punctuation', 'LOVELACE, Àda', 'ada lovelace', 1],
    ['a letter missing (edit)', 'Jon Smith', 'John Smith', 0.9],
    ['a word added (overlap)', 'Ada Lovelace', 'Ada Augusta Lovelace', 0.8],
    ['nothing alike', 'Ada Lovelace', 'Grace Hopper', 0.08],
    ['an empty key', '!!!', 'Ada', 0],
    ['two empty keys', '!!!', '...', 0],
  ])('%s: %j ~ %j = %d', (_, a, b, similarity) => {
    expect(nameSimilarity(a, b)).toBeCloseTo(similarity, 2);
  });

  it('takes the larger of edit similarity and word overlap', () => {
    // Edit: 1 − 8/20 = 0.6; overlap: 2·2/5 = 0.8.
    expect(nameSimilarity('Ada Lovelace', 'Ada Augusta Lovelace')).toBeCloseTo(0.8, 5);
    // Edit: 1 − 1/10 = 0.9; overlap: 2·1/4 = 0.5.
    expect(nameSimilarity('Jon Smith', 'John Smith')).toBeCloseTo(0.9, 5);
  });

  it('is symmetric and stays within 0–1', () => {
    const names = ['Ada Lovelace', 'Ada Augusta Lovelace', 'A', 'Zoë Ng', 'Ng Zoe', '', '漢字'];
    for (const a of names) {
      for (const b of names) {
        const similarity = nameSimilarity(a, b);
        expect(similarity).toBe(nameSimilarity(b, a));
        expect(similarity).toBeGreaterThanOrEqual(0);
        expect(similarity).toBeLessThanOrEqual(1);
      }
    }
  });

  it('keeps names with different numbers apart, however alike their letters', () => {
    expect(nameSimilarity('Ada Lovelace 1000000', 'Ada Lovelace 1000001')).toBe(0.5);
    expect(nameSimilarity('Store 12', 'Store 13')).toBe(0.5);
    expect(nameSimilarity('Flat 3, Ada Lovelace', 'ada lovelace flat 3')).toBe(1);
    // The same numbers: letters decide as usual.
    expect(nameSimilarity('Jon Smith 3', 'John Smith 3')).toBeGreaterThan(0.9);
  });

  it('reaches very close (≥ 0.95) only for a letter in a long name', () => {
    expect(
      nameSimilarity('Alexandra Richardson-Smythe', 'Alexandra Richardson-Smyth'),
    ).toBeGreaterThanOrEqual(0.95);
    expect(nameSimilarity('Ada Lovelace', 'Ada Lovelase')).toBeLessThan(0.95);
  });
});
