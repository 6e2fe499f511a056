import { describe, expect, it } from 'vitest';
import {
  personalDataScrubber,
  personalValuesIn,
  personalValuesInChanges,
  REDACTED_CUSTOMER_NAME,
  REDACTED_TEXT,
  redactedEmail,
  withoutCardFingerprints,
} from './privacy.js';

const id = 'cus_Abc123';
const customer = {
  id,
  object: 'customer',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+14155550123',
  description: 'Met in London',
  metadata: { nickname: 'Countess' },
};

describe('personalValuesIn', () => {
  it('finds the customer’s fields and the old values of an update, nobody else’s', () => {
    const event = {
      object: { ...customer, name: 'Ada King' },
      previousAttributes: { name: 'Ada Byron', defaultPaymentMethod: 'pm_1' },
    };
    const other = { id: 'cus_other', object: 'customer', name: 'Charles Babbage' };
    expect([...personalValuesIn([event, other], id)].sort()).toEqual([
      '+14155550123',
      'Ada Byron',
      'Ada King',
      'Countess',
      'Met in London',
      'ada@example.com',
    ]);
  });

  it('reads audit changes of personal fields only', () => {
    const changes = { name: { before: 'Ada Byron', after: 'Ada King' }, amount: { after: 100 } };
    expect([...personalValuesInChanges(changes)].sort()).toEqual(['Ada Byron', 'Ada King']);
  });
});

describe('personalDataScrubber', () => {
  const { scrub, holdsAny } = personalDataScrubber(id, ['Ada Lovelace', 'ada@example.com', 'Ad']);

  it('gives the customer’s object and its previous attributes the placeholders', () => {
    const scrubbed = scrub({ object: customer, previousAttributes: { name: 'Old', phone: null } });
    expect(scrubbed).toEqual({
      object: {
        id,
        object: 'customer',
        name: REDACTED_CUSTOMER_NAME,
        email: redactedEmail(id),
        phone: null,
        description: null,
        metadata: {},
      },
      previousAttributes: { name: REDACTED_CUSTOMER_NAME, phone: null },
    });
  });

  it('erases the values inside other text, in any case, and leaves short values alone', () => {
    const payment = { object: 'payment', amount: 100, description: 'Order for ADA LOVELACE, Ada' };
    expect(scrub(payment)).toEqual({ ...payment, description: `Order for ${REDACTED_TEXT}, Ada` });
    expect(scrub({ 'ada@example.com': 'x' })).toEqual({ [REDACTED_TEXT]: 'x' });
  });

  it('erases an email whole before a name inside it', () => {
    const { text } = personalDataScrubber(id, ['ada', 'ada@example.com']);
    expect(text('write to ada@example.com')).toBe(`write to ${REDACTED_TEXT}`);
  });

  it('tells whether text holds a value, repeatedly', () => {
    expect(holdsAny('{"message":"ada@Example.com taken"}')).toBe(true);
    expect(holdsAny('{"message":"ada@Example.com taken"}')).toBe(true);
    expect(holdsAny('nothing')).toBe(false);
  });
});

describe('withoutCardFingerprints', () => {
  it('leaves out every card’s fingerprint, however deep, and nothing else', () => {
    const event = {
      data: { object: { id: 'pm_1', card: { brand: 'visa', last4: '4242', fingerprint: 'x' } } },
      fingerprint: 'kept: not a card’s',
    };
    expect(withoutCardFingerprints(event)).toEqual({
      data: { object: { id: 'pm_1', card: { brand: 'visa', last4: '4242' } } },
      fingerprint: 'kept: not a card’s',
    });
  });
});
