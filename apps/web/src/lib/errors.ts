import type { AppRouter } from '@peasswap/api/router';
import { isTRPCClientError } from '@trpc/client';

/** A 4xx answer will be the same on retry; a network blip or a 5xx may not. */
export function isClientError(error: unknown): boolean {
  if (!isTRPCClientError<AppRouter>(error)) return false;
  const status = error.data?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}

/** What to tell the person: the API's own message, or why there was no answer at all. */
export function describeError(error: unknown): string {
  if (!isTRPCClientError<AppRouter>(error)) return 'Something went wrong. Try again.';
  // No error shape means no answer from the API: the request never got there.
  if (!error.data) return 'Could not reach the API. Check that the server is running.';

  const requestId = error.data.requestId ? ` (request ${error.data.requestId})` : '';
  // The API's own wording explains the Authorization header, which the person never wrote.
  const message =
    error.data.type === 'authentication_error'
      ? 'This API key was not accepted. Check that it is a current test key for this server.'
      : error.message;
  return `${message}${requestId}`;
}
