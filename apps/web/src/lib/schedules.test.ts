import { describe, expect, it } from 'vitest';
import { apiError } from './api-error.fixture';
import { startOfLocalDay } from './dates';
import {
  remainingItems,
  scheduleInput,
  serverScheduleErrors,
  type ScheduleDraft,
} from './schedules';

const customer = 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A';
const draft = (items: [string, string][], currency = 'usd'): ScheduleDraft => ({
  currency,
  paymentMethod: '',
  items: items.map(([amount, dueDate], index) => ({ id: `r${index}`, amount, dueDate })),
});

describe('scheduleInput', () => {
  it('sends amounts in minor units and each due date as the start of that local day', () => {
    const result = scheduleInput(
      customer,
      draft([
        ['25', '2026-12-01'],
        ['10.5', '2027-01-01'],
      ]),
    );
    expect(result).toEqual({
      ok: true,
      input: {
        customer,
        currency: 'usd',
        items: [
          { amount: 2500, dueAt: startOfLocalDay('2026-12-01') },
          { amount: 1050, dueAt: startOfLocalDay('2027-01-01') },
        ],
      },
    });
  });

  it('names the payment method only when one is chosen', () => {
    const result = scheduleInput(customer, {
      ...draft([['1', '2026-12-01']]),
      paymentMethod: 'pm_card_visa',
    });
    expect(result.ok && result.input.paymentMethod).toBe('pm_card_visa');
  });

  it('puts each problem on the row and input it concerns', () => {
    const result = scheduleInput(
      customer,
      draft([
        ['25', '2026-12-01'],
        ['1.234', ''],
        ['0', '2027-01-01'],
      ]),
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        rows: {
          r1: {
            amount: 'USD amounts have at most 2 decimal places.',
            dueDate: 'Choose the day it is due.',
          },
          r2: { amount: 'Enter an amount greater than zero.' },
        },
      },
    });
  });

  it('lets the domain schema judge the currency and the number of items', () => {
    const badCurrency = scheduleInput(customer, draft([['25', '2026-12-01']], 'usx'));
    expect(badCurrency.ok ? undefined : badCurrency.errors.currency).toMatch(/ISO 4217/);
    const none = scheduleInput(customer, draft([]));
    expect(none.ok ? undefined : none.errors.items).toBe('A schedule has at least one item.');
  });
});

describe('remainingItems', () => {
  it('counts the items still scheduled', () => {
    const items = (['succeeded', 'failed', 'scheduled', 'scheduled', 'canceled'] as const).map(
      (status) => ({ amount: 1, dueAt: '2026-12-01T00:00:00.000Z', status, payment: null }),
    );
    expect(remainingItems({ items })).toBe(2);
  });
});

describe('serverScheduleErrors', () => {
  const invalid = { type: 'invalid_request_error', code: 'parameter_invalid', httpStatus: 400 };
  const two = draft([
    ['25', '2026-12-01'],
    ['30', '2027-01-01'],
  ]);

  it('puts an item’s error on its row and input', () => {
    const error = apiError('Too late.', { ...invalid, param: 'items.1.dueAt' });
    expect(serverScheduleErrors(error, two)).toEqual({ rows: { r1: { dueDate: 'Too late.' } } });
  });

  it('puts the payment method’s and the currency’s on their fields', () => {
    const missing = apiError("No such payment method: 'pm_x'.", {
      type: 'invalid_request_error',
      code: 'resource_missing',
      httpStatus: 400,
      param: 'paymentMethod',
    });
    expect(serverScheduleErrors(missing, two)).toEqual({
      rows: {},
      paymentMethod: "No such payment method: 'pm_x'.",
    });
  });

  it('says anything else for the form, with the request id', () => {
    const error = apiError('No such customer.', { ...invalid, param: 'customer' });
    expect(serverScheduleErrors(error, two)).toEqual({
      rows: {},
      form: 'No such customer. (request req_1)',
    });
  });
});
