import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { apiError } from './api-error.fixture';
import { describeError, errorData, isClientError, isSessionEnded, messageOf } from './errors';

describe('describeError', () => {
  it('shows the API message with its request id', () => {
    const error = apiError("Your role (viewer) does not allow 'customers:write'.", {
      type: 'permission_error',
      code: 'insufficient_permissions',
      httpStatus: 403,
    });
    expect(describeError(error)).toBe(
      "Your role (viewer) does not allow 'customers:write'. (request req_1)",
    );
    expect(messageOf(error)).toBe("Your role (viewer) does not allow 'customers:write'.");
    expect(isClientError(error)).toBe(true);
    expect(isSessionEnded(error)).toBe(false);
  });

  it('says the API could not be reached when there was no answer', () => {
    const error = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(describeError(error)).toBe(
      'Could not reach the API. Check your connection and try again.',
    );
    expect(errorData(error)).toBeUndefined();
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

  it('knows a 401 means the session has ended', () => {
    const error = apiError('Your session has ended. Sign in again.', {
      type: 'authentication_error',
      code: 'session_expired',
      httpStatus: 401,
    });
    expect(isSessionEnded(error)).toBe(true);
  });

  it('treats anything else as a generic failure', () => {
    expect(describeError(new Error('boom'))).toBe('Something went wrong. Try again.');
  });
});
