import { describe, expect, it } from 'vitest';
import {
  DomainError,
  ERROR_CODES,
  ERROR_TYPE_BY_CODE,
  fail,
  isErrorCode,
  ok,
  type ErrorCode,
  type ErrorType,
} from './errors.js';

describe('error codes', () => {
  it.each<[ErrorCode, ErrorType]>([
    ['parameter_missing', 'invalid_request_error'],
    ['parameter_invalid', 'invalid_request_error'],
    ['parameter_unknown', 'invalid_request_error'],
    ['email_invalid', 'invalid_request_error'],
    ['phone_invalid', 'invalid_request_error'],
    ['resource_missing', 'invalid_request_error'],
    ['customer_email_taken', 'invalid_request_error'],
    ['customer_merged', 'invalid_request_error'],
    ['sensitive_data_rejected', 'invalid_request_error'],
    ['api_key_invalid', 'authentication_error'],
    ['insufficient_permissions', 'permission_error'],
    ['idempotency_key_reused', 'idempotency_error'],
    ['idempotency_key_in_use', 'idempotency_error'],
    ['rate_limited', 'rate_limit_error'],
    ['api_error', 'api_error'],
  ])('%s is an %s', (code, type) => {
    expect(ERROR_TYPE_BY_CODE[code]).toBe(type);
    expect(new DomainError(code, 'message').type).toBe(type);
  });

  it.each(ERROR_CODES)('isErrorCode(%s) is true', (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it.each([undefined, null, 42, '', 'not_a_code', 'toString', '__proto__', 'PHONE_INVALID'])(
    'isErrorCode(%j) is false',
    (value) => {
      expect(isErrorCode(value)).toBe(false);
    },
  );
});

describe('DomainError', () => {
  it('carries its code, message, param and extra facts', () => {
    const error = new DomainError('customer_email_taken', 'Taken.', {
      param: 'email',
      extra: { customer: 'cus_abc' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DomainError');
    expect(error.code).toBe('customer_email_taken');
    expect(error.message).toBe('Taken.');
    expect(error.param).toBe('email');
    expect(error.details.extra).toEqual({ customer: 'cus_abc' });
  });

  it('has no param unless one is given', () => {
    expect(new DomainError('api_error', 'Boom.').param).toBeUndefined();
  });
});

describe('Result', () => {
  it.each([
    ['ok', ok(5), { ok: true, value: 5 }],
    ['fail', fail(new DomainError('rate_limited', 'Slow down.')), { ok: false }],
  ])('%s', (_, result, shape) => {
    expect(result).toMatchObject(shape);
  });
});
