import { describe, expect, it } from 'vitest';
import {
  auditDiff,
  AUDIT_SECRET_FIELDS,
  CARD_NUMBER_REMOVED,
  maskEmail,
  maskPhone,
  type AuditDiff,
} from './changes.js';

type Side = Record<string, unknown> | undefined;

const customer = {
  id: 'cus_1',
  object: 'customer',
  name: 'Jane Roe',
  email: 'jane@example.com',
  phone: '+442071838750',
  description: null,
  metadata: { plan: 'pro' },
  tags: [],
  livemode: false,
  createdAt: '2026-11-29T09:00:00.000Z',
  updatedAt: '2026-11-29T09:00:00.000Z',
};

describe('auditDiff', () => {
  it.each<[string, Side, Side, AuditDiff]>([
    [
      'a creation names the fields given a value, masked where personal, never bookkeeping',
      undefined,
      customer,
      {
        fields: ['name', 'email', 'phone', 'metadata', 'tags'],
        changes: {
          tags: { after: [] },
          name: { after: 'Jane Roe' },
          email: { after: 'j***@example.com' },
          phone: { after: '+44********50' },
          metadata: { after: { plan: 'pro' } },
        },
      },
    ],
    [
      'an update names what differs, with both sides',
      customer,
      { ...customer, name: 'Jane Doe', updatedAt: '2026-11-29T10:00:00.000Z' },
      { fields: ['name'], changes: { name: { before: 'Jane Roe', after: 'Jane Doe' } } },
    ],
    [
      'a field set to null keeps only its before',
      customer,
      { ...customer, phone: null },
      { fields: ['phone'], changes: { phone: { before: '+44********50' } } },
    ],
    ['null and absent are the same value', { description: null }, {}, { fields: [], changes: {} }],
    ['a removal names no field', customer, undefined, { fields: [], changes: {} }],
    [
      'objects compare by their JSON',
      { metadata: { a: '1' } },
      { metadata: { a: '1', b: '2' } },
      {
        fields: ['metadata'],
        changes: { metadata: { before: { a: '1' }, after: { a: '1', b: '2' } } },
      },
    ],
    [
      'a secret is named, never kept',
      { url: 'https://a.example' },
      { url: 'https://a.example', secret: 'whsec_c2VjcmV0' },
      { fields: ['secret'], changes: { secret: {} } },
    ],
    [
      'a rolled secret keeps neither side',
      { secret: 'whsec_old' },
      { secret: 'whsec_new' },
      { fields: ['secret'], changes: { secret: {} } },
    ],
    [
      'a card fingerprint is left out of its card',
      undefined,
      { card: { brand: 'visa', last4: '4242', fingerprint: 'fp_abc' } },
      { fields: ['card'], changes: { card: { after: { brand: 'visa', last4: '4242' } } } },
    ],
    [
      'text holding a card number is replaced, at any depth',
      { description: 'old' },
      { description: 'card 4242 4242 4242 4242', metadata: { note: '4000-0000-0000-0002' } },
      {
        fields: ['description', 'metadata'],
        changes: {
          description: { before: 'old', after: CARD_NUMBER_REMOVED },
          metadata: { after: { note: CARD_NUMBER_REMOVED } },
        },
      },
    ],
    [
      'contact fields nested in objects are masked too',
      undefined,
      { metadata: { email: 'bob@example.org', phone: '+14155550123' } },
      {
        fields: ['metadata'],
        changes: { metadata: { after: { email: 'b***@example.org', phone: '+14*******23' } } },
      },
    ],
    [
      'other values stay as they are (numbers, booleans, arrays)',
      { amount: 100, cancelAtPeriodEnd: false, enabledEvents: ['*'] },
      { amount: 200, cancelAtPeriodEnd: true, enabledEvents: ['customer.created'] },
      {
        fields: ['amount', 'cancelAtPeriodEnd', 'enabledEvents'],
        changes: {
          amount: { before: 100, after: 200 },
          cancelAtPeriodEnd: { before: false, after: true },
          enabledEvents: { before: ['*'], after: ['customer.created'] },
        },
      },
    ],
  ])('%s', (_name, before, after, expected) => {
    expect(auditDiff(before, after)).toEqual(expected);
  });

  it.each([...AUDIT_SECRET_FIELDS])('keeps no value of %s, at the top or nested', (field) => {
    const value = 'whsec_TOP_SECRET_VALUE';
    const diff = auditDiff(
      { [field]: `${value}_before`, nested: { [field]: `${value}_0` } },
      { [field]: value, nested: { [field]: `${value}_1`, kept: 'yes' } },
    );
    expect(diff.fields).toEqual([field, 'nested']);
    expect(JSON.stringify(diff)).not.toContain(value);
  });

  it('does not take a __proto__ field as the prototype', () => {
    const after = JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>;
    const diff = auditDiff(undefined, after);
    expect(diff.fields).toEqual(['__proto__']);
    expect(Object.keys(diff.changes)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('maskEmail', () => {
  it.each([
    ['jane@example.com', 'j***@example.com'],
    ['a@b.co', 'a***@b.co'],
    ['"odd@local"@example.com', '"***@example.com'],
    ['not-an-address', 'n***'],
    ['@example.com', '@***'],
  ])('%s → %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});

describe('maskPhone', () => {
  it.each([
    ['+442071838750', '+44********50'],
    ['+14155550123', '+14*******23'],
    ['+1234', '*****'],
    ['', ''],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});
