import { describe, expect, it } from 'vitest';
import { hasControlCharacters, hasNul } from './text.js';

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
