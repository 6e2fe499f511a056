import { describe, expect, it } from 'vitest';
import { getCountryCallingCode, getCountries, parsePhoneNumberWithError } from 'libphonenumber-js';
import examples from 'libphonenumber-js/mobile/examples';
import { e164OfE164, e164OfInternational } from './e164.js';
import { toE164 } from './phone.js';

/** What toE164 answered before its shortcut: libphonenumber-js alone. */
function byLibrary(text: string): string | undefined {
  try {
    const parsed = parsePhoneNumberWithError(text, 'US');
    return parsed.isValid() ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}

/** A small seeded generator (mulberry32), so a failure names a number that can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = seeded(20261129);
const digits = (length: number) =>
  Array.from({ length }, () => String(Math.floor(random() * 10))).join('');

/**
 * Numbers of every country: its example mobile number, that number one digit shorter, longer and
 * changed at each position, and random national numbers of 4 to 14 digits; for +1, random NANPA
 * numbers, which walk the choice among the 25 countries sharing the code.
 */
function numbers(): string[] {
  const texts = new Set<string>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    const example = examples[country];
    if (example) {
      texts.add(`+${code}${example}`);
      texts.add(`+${code}${example.slice(0, -1)}`);
      texts.add(`+${code}${example}${digits(1)}`);
      for (let at = 0; at < example.length; at++) {
        texts.add(`+${code}${example.slice(0, at)}${digits(1)}${example.slice(at + 1)}`);
      }
    }
    for (let i = 0; i < 40; i++) texts.add(`+${code}${digits(4 + Math.floor(random() * 11))}`);
  }
  for (let i = 0; i < 5_000; i++) texts.add(`+1${2 + Math.floor(random() * 8)}${digits(9)}`);
  for (let i = 0; i < 2_000; i++) texts.add(`+${digits(8 + Math.floor(random() * 8))}`);
  return [...texts];
}

describe('e164OfE164', () => {
  const texts = numbers();

  it('answers as libphonenumber-js does wherever it answers, across every calling code', () => {
    const differing: { text: string; fast: string | undefined; library: string | undefined }[] = [];
    let answered = 0;
    let valid = 0;
    for (const text of texts) {
      const fast = e164OfE164(text);
      if (fast === 'decline') continue;
      answered += 1;
      if (fast.e164 !== undefined) valid += 1;
      const library = byLibrary(text);
      if (fast.e164 !== library) differing.push({ text, fast: fast.e164, library });
    }
    expect(differing).toEqual([]);
    // The table proves something only if the shortcut answered most of it, both ways.
    expect(answered).toBeGreaterThan(texts.length * 0.75);
    expect(valid).toBeGreaterThan(3_000);
    expect(answered - valid).toBeGreaterThan(3_000);
  });

  it('gives toE164 the answers libphonenumber-js gave, declined numbers included', () => {
    const differing = texts.filter((text) => toE164(text) !== byLibrary(text));
    expect(differing).toEqual([]);
  });

  it('gives toE164 the answers libphonenumber-js gave for the same numbers as people write them', () => {
    const punctuation = [' ', '-', '.', '  ', ' - ', '(', ')', ') ', ' ('];
    const written = texts.flatMap((text) => {
      const variants: string[] = [];
      for (let i = 0; i < 3; i++) {
        let variant = '+';
        for (const digit of text.slice(1)) {
          if (random() < 0.3) variant += punctuation[Math.floor(random() * punctuation.length)];
          variant += digit;
        }
        if (random() < 0.2) variant += punctuation[Math.floor(random() * punctuation.length)];
        variants.push(variant);
      }
      return variants;
    });
    written.push(
      '+1 (415) 555-0123',
      '+44 20 7946 0958',
      '+(44) 20.7946.0958',
      '+-1 415 555 0123.',
      // Not the library's punctuation: left to it, which refuses them.
      '+1\t415 555 0123',
      '+1\u2003415 555 0123',
    );
    let answered = 0;
    const differing = written.filter((text) => {
      if (e164OfInternational(text) !== 'decline') answered += 1;
      return toE164(text) !== byLibrary(text);
    });
    expect(differing).toEqual([]);
    expect(answered).toBeGreaterThan(written.length * 0.75);
  });

  it.each([
    '4155550123',
    '+1 415 555 0123',
    '(415) 555-0123',
    '+14155550123 ',
    '+0123456789',
    '+1',
  ])('leaves %j, which is not E.164 as written, to the library', (text) => {
    expect(e164OfE164(text)).toBe('decline');
  });
});
