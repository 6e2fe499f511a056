import { describe, expect, it } from 'vitest';
import { hasControlCharacters, hasNul, isWellFormedText } from './text.js';

describe('hasControlCharacters', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a tab', 'a\tb'],
    ['a line feed', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['an escape sequence', '\u001b[31mred'],
    ['the last C0 character', 'a\u001fb'],
    ['DEL', 'a\u007fb'],
    ['a C1 character', 'a\u0085b'],
    ['the last C1 character', 'a\u009fb'],
  ])('finds %s', (_, value) => {
    expect(hasControlCharacters(value)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['plain text', 'Ada Lovelace'],
    ['punctuation', "O'Brien & Sons, Ltd. (UK) #1"],
    ['accented letters', 'Zoë Ölçer'],
    ['a non-breaking space', 'Ada\u00a0Lovelace'],
    ['non-Latin scripts', '李小龍 Αλέξανδρος'],
    ['an emoji', 'Ada 🚀'],
  ])('finds none in %s', (_, value) => {
    expect(hasControlCharacters(value)).toBe(false);
  });
});

describe('hasNul', () => {
  it.each([
    ['', false],
    ['plain', false],
    ['line\nbreak', false],
    ['\u0000', true],
    ['a\u0000b', true],
  ])('%j → %s', (value, expected) => {
    expect(hasNul(value)).toBe(expected);
  });
});

describe('isWellFormedText', () => {
  it.each([
    ['the empty string', ''],
    ['plain text', 'Ada Lovelace'],
    ['non-Latin scripts', '李小龍 Αλέξανδρος'],
    ['an emoji (a surrogate pair)', 'Ada 🚀'],
    ['a family emoji joined with ZWJ', '👩‍👩‍👧'],
    ['a combining accent', 'e\u0301'],
    ['right-to-left marks', '\u200fשלום\u202e'],
    ['the replacement character itself', '\ufffd'],
    ['the last code point', '\u{10ffff}'],
  ])('accepts %s', (_, value) => {
    expect(isWellFormedText(value)).toBe(true);
  });

  it.each([
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate', '\udfff'],
    ['a high surrogate at the end', 'Ada \ud83d'],
    ['a low surrogate at the start', '\ude80 Ada'],
    ['a pair in the wrong order', '\ude80\ud83d'],
    ['a lone half next to a proper pair', '🚀\ud83d'],
  ])('refuses %s', (_, value) => {
    expect(isWellFormedText(value)).toBe(false);
  });
});
