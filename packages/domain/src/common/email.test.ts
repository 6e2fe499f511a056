import { describe, expect, it } from 'vitest';
import { emailIdentity, emailSearchPrefix, isValidEmail } from './email.js';

// Exactly 254 characters: a 64-character local part, `@`, and a 189-character domain.
const LOCAL_64 = 'a'.repeat(64);
const DOMAIN_189 = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
const EMAIL_254 = `${LOCAL_64}@${DOMAIN_189}`;
const EMAIL_255 = `${LOCAL_64}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;

describe('isValidEmail', () => {
  it('builds the length fixtures it claims to', () => {
    expect(EMAIL_254).toHaveLength(254);
    expect(EMAIL_255).toHaveLength(255);
  });

  it.each([
    ['a plain address', 'ada@example.com'],
    ['plus-addressing', 'ada+billing@example.com'],
    ['dots inside the local part', 'ada.lovelace@example.com'],
    ['a subdomain', 'ada@mail.example.co.uk'],
    ['a hyphenated domain label', 'ada@my-company.example'],
    ['digits in domain labels', 'ada@123.example.com'],
    ['upper case', 'Ada@Example.COM'],
    ['an IDN domain', 'user@bücher.de'],
    ['an IDN domain and top-level label', 'user@例え.テスト'],
    ['a punycode domain', 'user@xn--bcher-kva.de'],
    ['a punycode top-level label', 'user@example.xn--p1ai'],
    ['a non-ASCII local part', 'josé@example.com'],
    ['common local-part symbols', "o'brien_x-y=z!#$%&*/?^`{|}~@example.com"],
    ['a one-character local part', 'a@example.com'],
    ['a 64-character local part', `${LOCAL_64}@example.com`],
    ['a 63-character domain label', `ada@${'b'.repeat(63)}.com`],
    ['exactly 254 characters', EMAIL_254],
  ])('accepts %s: %s', (_, email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['no @', 'ada.example.com'],
    ['two @', 'ada@billing@example.com'],
    ['a doubled @', 'ada@@example.com'],
    ['an empty local part', '@example.com'],
    ['an empty domain', 'ada@'],
    ['a domain without a dot', 'ada@localhost'],
    ['a one-letter top-level label', 'ada@example.c'],
    ['a numeric top-level label', 'ada@example.123'],
    ['an IP address', 'ada@192.168.0.1'],
    ['an IP literal', 'ada@[192.168.0.1]'],
    ['a leading dot in the local part', '.ada@example.com'],
    ['a trailing dot in the local part', 'ada.@example.com'],
    ['two dots in a row in the local part', 'ada..lovelace@example.com'],
    ['a leading dot in the domain', 'ada@.example.com'],
    ['a trailing dot in the domain', 'ada@example.com.'],
    ['two dots in a row in the domain', 'ada@example..com'],
    ['a label starting with a hyphen', 'ada@-example.com'],
    ['a label ending with a hyphen', 'ada@example-.com'],
    ['an underscore in the domain', 'ada@my_company.com'],
    ['a space inside', 'ada lovelace@example.com'],
    ['a space in the domain', 'ada@exam ple.com'],
    ['leading whitespace (the schema trims, this function does not)', ' ada@example.com'],
    ['trailing whitespace (the schema trims, this function does not)', 'ada@example.com '],
    ['a quoted local part', '"ada lovelace"@example.com'],
    ['angle brackets', '<ada@example.com>'],
    ['a display name', 'Ada <ada@example.com>'],
    ['a comma-separated list', 'ada@example.com,bob@example.com'],
    ['a semicolon', 'ada;x@example.com'],
    ['a backslash', 'ada\\x@example.com'],
    ['a NUL character', 'ada\u0000@example.com'],
    ['a control character', 'ada\u0007@example.com'],
    ['a line break', 'ada@example.com\nbcc@evil.example'],
    ['a 65-character local part', `${'a'.repeat(65)}@example.com`],
    ['a 64-character domain label', `ada@${'b'.repeat(64)}.com`],
    ['more than 254 characters', EMAIL_255],
  ])('rejects %s: %j', (_, email) => {
    expect(isValidEmail(email)).toBe(false);
  });
});

describe('emailIdentity', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['Ada@Example.COM', 'ada@example.com'],
    ['  ADA+Billing@Example.com\t', 'ada+billing@example.com'],
    ['User@BÜCHER.de', 'user@bücher.de'],
  ])('%j is identified as %j', (email, identity) => {
    expect(emailIdentity(email)).toBe(identity);
  });

  it.each([
    ['Ada@Example.com', 'ada@EXAMPLE.COM'],
    [' ada@example.com', 'ADA@example.com '],
  ])('%j and %j name the same customer', (a, b) => {
    expect(emailIdentity(a)).toBe(emailIdentity(b));
  });

  it.each([
    ['ada@example.com', 'ada+billing@example.com'],
    ['ada@example.com', 'ada@example.co'],
    ['ada.lovelace@example.com', 'adalovelace@example.com'],
  ])('%j and %j are different customers', (a, b) => {
    expect(emailIdentity(a)).not.toBe(emailIdentity(b));
  });
});

describe('emailSearchPrefix', () => {
  it.each([
    ['a local part and its @', 'grace@', 'grace@'],
    ['any case, trimmed', '  GRACE@Navy.Ex ', 'grace@navy.ex'],
    ['a whole email', 'ada+billing@example.com', 'ada+billing@example.com'],
  ])('reads %s: %j → %j', (_, query, prefix) => {
    expect(emailSearchPrefix(query)).toBe(prefix);
  });

  it.each([
    ['a name', 'Grace Hopper'],
    ['a domain alone', '@navy.example'],
    ['a bare @', '@'],
    ['two @', 'a@b@c'],
    ['a space after the @', 'grace@ navy'],
    ['a space before the @', 'grace hopper@'],
  ])('leaves %s to the text search: %j', (_, query) => {
    expect(emailSearchPrefix(query)).toBeUndefined();
  });
});
