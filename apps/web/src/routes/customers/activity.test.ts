import { describe, expect, it } from 'vitest';
import {
  changeLines,
  describeAction,
  describeActor,
  describeField,
  formatAuditValue,
} from './activity';

describe('Activity helpers', () => {
  it.each([
    ['customer.updated', 'Customer updated'],
    ['payment_method.attached', 'Payment method attached'],
    ['payment_schedule.canceled', 'Payment schedule canceled'],
    ['customer.redacted', 'Personal data erased'],
  ])('says %s as “%s”', (action, words) => {
    expect(describeAction(action)).toBe(words);
  });

  it('names a user by email when known, else by id; a key by id; the system as System', () => {
    const emails = new Map([['usr_1', 'owner@example.com']]);
    const emailOf = (id: string) => emails.get(id);
    expect(describeActor({ type: 'user', id: 'usr_1' }, emailOf)).toBe('owner@example.com');
    expect(describeActor({ type: 'user', id: 'usr_2' }, emailOf)).toBe('User usr_2');
    expect(describeActor({ type: 'api_key', id: 'key_9' }, emailOf)).toBe('API key key_9');
    expect(describeActor({ type: 'system', id: null }, emailOf)).toBe('System');
  });

  it.each([
    ['name', 'Name'],
    ['defaultPaymentMethod', 'Default payment method'],
    ['metadata.plan', 'Metadata plan'],
    ['cancel_at', 'Cancel at'],
  ])('labels the field %s “%s”', (field, label) => {
    expect(describeField(field)).toBe(label);
  });

  it.each([
    ['Ada', 'Ada'],
    ['', '—'],
    [null, '—'],
    [undefined, '—'],
    [1500, '1500'],
    [false, 'false'],
    [{ plan: 'pro' }, '{"plan":"pro"}'],
  ])('shows the value %j as %j', (value, text) => {
    expect(formatAuditValue(value)).toBe(text);
  });

  it('lines up before → after per field, only after for a field set for the first time', () => {
    expect(
      changeLines(['name', 'phone'], {
        name: { before: 'Ada', after: 'Ada King' },
        phone: { after: '+14155550100' },
      }),
    ).toEqual([
      { field: 'name', label: 'Name', before: 'Ada', after: 'Ada King' },
      { field: 'phone', label: 'Phone', before: undefined, after: '+14155550100' },
    ]);
    expect(changeLines(['phone'], { phone: { before: '+14155550100', after: null } })).toEqual([
      { field: 'phone', label: 'Phone', before: '+14155550100', after: '—' },
    ]);
  });

  it('shows an amount as money when the entry has its currency, else as the API keeps it', () => {
    expect(
      changeLines(['amount', 'currency'], { amount: { after: 4200 }, currency: { after: 'eur' } }),
    ).toEqual([
      { field: 'amount', label: 'Amount', before: undefined, after: '€42.00' },
      { field: 'currency', label: 'Currency', before: undefined, after: 'eur' },
    ]);
    expect(changeLines(['amount'], { amount: { before: 1000, after: 1500 } })).toEqual([
      { field: 'amount', label: 'Amount', before: '1000', after: '1500' },
    ]);
  });

  it('says a secret’s value was not kept (named, with neither side)', () => {
    expect(changeLines(['secret'], { secret: {} })).toEqual([
      { field: 'secret', label: 'Secret', before: undefined, after: 'value not kept' },
    ]);
  });

  it('answers null when the values were erased, so the list says so', () => {
    expect(changeLines(['name', 'email'], null)).toBeNull();
  });
});
