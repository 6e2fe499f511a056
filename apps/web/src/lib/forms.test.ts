import { CustomerCreateSchema } from '@peasswap/domain';
import { describe, expect, it } from 'vitest';
import { apiError } from './api-error.fixture';
import {
  changedCustomerFields,
  draftOf,
  fieldErrorsFromIssues,
  serverFieldError,
  type CustomerFields,
} from './forms';
import { describeError } from './errors';

const FIELDS = ['name', 'email', 'phone'] as const;

describe('fieldErrorsFromIssues', () => {
  it('puts the domain schema’s messages on the fields they concern', () => {
    const parsed = CustomerCreateSchema.safeParse({ name: '  ', email: 'nope', phone: '12' });
    expect(parsed.success).toBe(false);
    expect(fieldErrorsFromIssues(parsed.error?.issues ?? [], FIELDS)).toEqual({
      name: 'Name cannot be empty.',
      email: 'Enter a valid email address, like ada@example.com.',
      phone: 'Enter a phone number that can be dialled, like +1 415 555 0123.',
    });
  });

  it('keeps only the first message per field and files unknown paths under form', () => {
    const errors = fieldErrorsFromIssues(
      [
        { code: 'custom', path: ['email'], message: 'first', input: '' },
        { code: 'custom', path: ['email'], message: 'second', input: '' },
        { code: 'custom', path: ['metadata', 'x'], message: 'elsewhere', input: '' },
      ],
      FIELDS,
    );
    expect(errors).toEqual({ email: 'first', form: 'elsewhere' });
  });
});

describe('serverFieldError', () => {
  it('places a server field error by its param', () => {
    const error = apiError('Enter a phone number that can be dialled.', {
      type: 'invalid_request_error',
      code: 'phone_invalid',
      httpStatus: 400,
      param: 'phone',
    });
    expect(serverFieldError(error, FIELDS, describeError)).toEqual({
      field: 'phone',
      message: 'Enter a phone number that can be dialled.',
    });
  });

  it('links a taken email to the customer who has it', () => {
    const error = apiError("A customer with the email 'a@b.co' already exists: cus_1.", {
      type: 'invalid_request_error',
      code: 'customer_email_taken',
      httpStatus: 409,
      param: 'email',
      customer: 'cus_1',
    });
    expect(serverFieldError(error, FIELDS, describeError)).toEqual({
      field: 'email',
      message: 'Another customer already has this email.',
      existingCustomer: 'cus_1',
    });
  });

  it('files errors about no field under form, with the request id', () => {
    const error = apiError('Too many requests.', {
      type: 'rate_limit_error',
      code: 'rate_limited',
      httpStatus: 429,
    });
    expect(serverFieldError(error, FIELDS, describeError)).toEqual({
      field: 'form',
      message: 'Too many requests. (request req_1)',
    });
  });
});

describe('changedCustomerFields', () => {
  const original: CustomerFields = {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+14155550123',
    description: null,
  };

  it('sends nothing when nothing changed', () => {
    expect(changedCustomerFields(original, draftOf(original))).toEqual({});
  });

  it('sends only the changed field', () => {
    const draft = { ...draftOf(original), name: 'Ada King' };
    expect(changedCustomerFields(original, draft)).toEqual({ name: 'Ada King' });
  });

  it('ignores whitespace-only edits around a value', () => {
    const draft = { ...draftOf(original), name: ' Ada Lovelace ', phone: ' +14155550123 ' };
    expect(changedCustomerFields(original, draft)).toEqual({});
  });

  it('shows the phone in international format, and the same number written any way is no change', () => {
    expect(draftOf(original).phone).toBe('+1 415 555 0123');
    for (const phone of ['+1 415 555 0123', '(415) 555-0123', '+14155550123']) {
      expect(changedCustomerFields(original, { ...draftOf(original), phone })).toEqual({});
    }
  });

  it('sends a different phone as typed, and one the domain cannot read for it to refuse', () => {
    const other = { ...draftOf(original), phone: '+44 20 7946 0958' };
    expect(changedCustomerFields(original, other)).toEqual({ phone: '+44 20 7946 0958' });
    const unreadable = { ...draftOf(original), phone: '12' };
    expect(changedCustomerFields(original, unreadable)).toEqual({ phone: '12' });
  });

  it('removes an emptied optional field with null and sets a new one', () => {
    const draft = { ...draftOf(original), phone: '  ', description: 'VIP' };
    expect(changedCustomerFields(original, draft)).toEqual({ phone: null, description: 'VIP' });
  });
});
