import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeError, isClientError } from './errors';

/** An error as the client builds it from the API's answer (see the API's errorFormatter). */
function apiError(message: string, data: { type: string; code: string; httpStatus: number }) {
  return TRPCClientError.from({
    error: { code: -32001, message, data: { ...data, path: 'customers.list', requestId: 'req_1' } },
  });
}

describe('describeError', () => {
  it('shows the API message with its request id', () => {
    const error = apiError('This key lacks the customers:read permission.', {
      type: 'permission_error',
      code: 'insufficient_permissions',
      httpStatus: 403,
    });
    expect(describeError(error)).toBe(
      'This key lacks the customers:read permission. (request req_1)',
    );
    expect(isClientError(error)).toBe(true);
  });

  it('speaks of the key, not the header, when the key is refused', () => {
    const error = apiError('Send a valid API key.', {
      type: 'authentication_error',
      code: 'api_key_invalid',
      httpStatus: 401,
    });
    expect(describeError(error)).toMatch(/^This API key was not accepted\./);
  });

  it('says the API could not be reached when there was no answer', () => {
    const error = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(describeError(error)).toBe('Could not reach the API. Check that the server is running.');
    expect(isClientError(error)).toBe(false);
  });

  it('retries server errors', () => {
    const error = apiError('Something went wrong on our side. Try again later.', {
      type: 'api_error',
      code: 'api_error',
      httpStatus: 500,
    });
    expect(isClientError(error)).toBe(false);
  });
});
