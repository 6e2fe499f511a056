import { describe, expect, it } from 'vitest';
import { mailboxIdentity, SUBADDRESSING_DOMAINS } from './identity.js';

describe('mailboxIdentity', () => {
  it.each([
    ['lower-cases local part and domain', 'Ada.Lovelace@Example.COM', 'ada.lovelace@example.com'],
    ['trims surrounding space', '  ada@example.com ', 'ada@example.com'],
    ['NFC-normalises a decomposed accent', 'jose\u0301@example.com', 'jos\u00e9@example.com'],
    ['IDN domain → punycode', 'user@bücher.de', 'user@xn--bcher-kva.de'],
    ['upper-case IDN domain → punycode', 'user@BÜCHER.DE', 'user@xn--bcher-kva.de'],
    ['punycode domain stays punycode', 'user@XN--BCHER-KVA.DE', 'user@xn--bcher-kva.de'],
    ['IDN top-level label', 'user@例え.テスト', 'user@xn--r8jz45g.xn--zckzah'],
    ['full-width domain mapped (UTS #46)', 'ada@ｅｘａｍｐｌｅ.com', 'ada@example.com'],
  ])('%s: %s → %s', (_, email, identity) => {
    expect(mailboxIdentity(email)).toBe(identity);
  });

  describe('Gmail and Googlemail', () => {
    it.each([
      ['dots removed', 'ada.love.lace@gmail.com', 'adalovelace@gmail.com'],
      ['+tag dropped', 'adalovelace+shop@gmail.com', 'adalovelace@gmail.com'],
      ['dots and +tag', 'Ada.Lovelace+Shop.Two@Gmail.com', 'adalovelace@gmail.com'],
      ['dots inside the tag do not matter', 'ada+a.b@gmail.com', 'ada@gmail.com'],
      ['googlemail.com → gmail.com', 'ada.lovelace@googlemail.com', 'adalovelace@gmail.com'],
      ['full-width gmail domain', 'a.da@ｇｍａｉｌ.com', 'ada@gmail.com'],
      ['a tag with nothing before it stays', '+shop@gmail.com', '+shop@gmail.com'],
    ])('%s: %s → %s', (_, email, identity) => {
      expect(mailboxIdentity(email)).toBe(identity);
    });

    it('makes every Gmail spelling of one inbox the same identity', () => {
      const spellings = [
        'adalovelace@gmail.com',
        'Ada.Lovelace@gmail.com',
        'a.d.a.l.o.v.e.l.a.c.e@GMAIL.COM',
        'ada.lovelace+billing@googlemail.com',
      ];
      expect(new Set(spellings.map(mailboxIdentity))).toEqual(new Set(['adalovelace@gmail.com']));
    });
  });

  describe('providers that document +tags', () => {
    it.each([...SUBADDRESSING_DOMAINS])('%s: +tag dropped, dots kept', (domain) => {
      expect(mailboxIdentity(`Ada.Lovelace+News@${domain.toUpperCase()}`)).toBe(
        `ada.lovelace@${domain}`,
      );
    });

    it.each([
      'outlook.com',
      'hotmail.com',
      'live.com',
      'msn.com',
      'icloud.com',
      'me.com',
      'mac.com',
      'fastmail.com',
      'fastmail.fm',
      'proton.me',
      'protonmail.com',
      'protonmail.ch',
      'pm.me',
    ])('lists %s', (domain) => {
      expect(SUBADDRESSING_DOMAINS.has(domain)).toBe(true);
    });

    it('drops only from the first +', () => {
      expect(mailboxIdentity('ada+a+b@outlook.com')).toBe('ada@outlook.com');
    });
  });

  describe('every other domain keeps its local part', () => {
    it.each([
      ['dots kept', 'Ada.Lovelace@example.com', 'ada.lovelace@example.com'],
      ['+tag kept', 'ada+shop@example.com', 'ada+shop@example.com'],
      ['dots and +tag kept', 'a.da+shop@yahoo.com', 'a.da+shop@yahoo.com'],
      ['a Gmail look-alike domain', 'a.da+x@gmail.co', 'a.da+x@gmail.co'],
      ['a subdomain of a provider', 'a.da+x@mail.gmail.com', 'a.da+x@mail.gmail.com'],
      ['a subdomain of outlook.com', 'ada+x@eu.outlook.com', 'ada+x@eu.outlook.com'],
      ['a domain ending in a provider name', 'a.da+x@notgmail.com', 'a.da+x@notgmail.com'],
    ])('%s: %s → %s', (_, email, identity) => {
      expect(mailboxIdentity(email)).toBe(identity);
    });

    it('keeps two addresses apart that the provider rules would join elsewhere', () => {
      expect(mailboxIdentity('a.da@example.com')).not.toBe(mailboxIdentity('ada@example.com'));
      expect(mailboxIdentity('ada+x@example.com')).not.toBe(mailboxIdentity('ada@example.com'));
    });
  });

  describe('input that is not a plain address', () => {
    it.each([
      ['no @', 'Ada.Example.com', 'ada.example.com'],
      ['nothing before @', '@Example.com', '@example.com'],
      ['nothing after @', 'Ada@', 'ada@'],
      ['a domain the URL parser would misread', 'ada@exämple.com/x', 'ada@exämple.com/x'],
      ['an IDN domain the URL parser refuses', 'Ada@xn--Ä.com', 'ada@xn--ä.com'],
      ['the last @ splits', 'a@b@Gmail.com', 'a@b@gmail.com'],
    ])('%s: %s → %s', (_, email, identity) => {
      expect(mailboxIdentity(email)).toBe(identity);
    });
  });
});
