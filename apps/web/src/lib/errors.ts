import type { AppRouter } from '@peasswap/client';
import { isTRPCClientError } from '@trpc/client';

type ApiErrorData = {
  type?: string;
  code?: string;
  param?: string;
  httpStatus?: number;
  requestId?: string;
  customer?: string;
};

/** The API's error data (type, code, param, and extras such as `customer`), if it answered. */
export function errorData(error: unknown): ApiErrorData | undefined {
  if (!isTRPCClientError<AppRouter>(error) || !error.data) return undefined;
  return error.data;
}

/** A 4xx answer will be the same on retry; a network blip or a 5xx may not. */
export function isClientError(error: unknown): boolean {
  const status = errorData(error)?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}

/** The session ended (expired, signed out elsewhere): the dashboard goes back to sign-in. */
export function isSessionEnded(error: unknown): boolean {
  return errorData(error)?.httpStatus === 401;
}

/** What to tell the person: the API's own message, or why there was no answer at all. */
export function describeError(error: unknown): string {
  if (!isTRPCClientError<AppRouter>(error)) return 'Something went wrong. Try again.';
  // No error shape means no answer from the API: the request never got there.
  const data = errorData(error);
  if (!data) return 'Could not reach the API. Check your connection and try again.';
  const requestId = data.requestId ? ` (request ${data.requestId})` : '';
  return `${error.message}${requestId}`;
}

/** The API's message alone, for answers the person can act on (a wrong password, a lockout). */
export function messageOf(error: unknown): string {
  if (!errorData(error)) return describeError(error);
  return (error as Error).message;
}
