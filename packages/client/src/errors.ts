import { TRPCClientError } from '@trpc/client';
import type { inferRouterError } from '@trpc/server';
import type { AppRouter } from './router.js';

/** The `data` of the API's error shape: `type`, `code`, `param`, `httpStatus`, `requestId`, ... */
export type PeasSwapErrorData = inferRouterError<AppRouter>['data'];

/** The API's error types, and `api_connection_error` when no answer arrived at all. */
export type PeasSwapErrorType = PeasSwapErrorData['type'] | 'api_connection_error';

/** The API's closed set of error codes (`email_invalid`, `resource_missing`, ...). */
export type PeasSwapErrorCode = PeasSwapErrorData['code'];

interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
}

/**
 * The HTTP answer tRPC's http links keep in `meta.response` (any fetch's Response: the check is
 * on its shape, not on one realm's class).
 */
export function responseOf(meta: Record<string, unknown> | undefined): ResponseLike | undefined {
  const response = meta?.response as Partial<ResponseLike> | undefined;
  if (typeof response?.status !== 'number' || typeof response.headers?.get !== 'function') {
    return undefined;
  }
  return response as ResponseLike;
}

/**
 * Every failed call rejects with this one class: the API's `type`, `code`, `param` and
 * `requestId`, and the HTTP `status` (undefined, with type `api_connection_error`, when the API
 * never answered: a network error, a timeout, an answer that was not the API's JSON). It is a
 * `TRPCClientError`, so tRPC's own helpers (`isTRPCClientError`, `error.data`) keep working.
 */
export class PeasSwapError extends TRPCClientError<AppRouter> {
  readonly type: PeasSwapErrorType;
  readonly code: PeasSwapErrorCode | undefined;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  readonly status: number | undefined;

  constructor(error: TRPCClientError<AppRouter>) {
    super(error.message, {
      cause: error.cause,
      result: error.shape ? { error: error.shape } : undefined,
      meta: error.meta,
    });
    // tRPC's constructor pins the prototype to its own class; the subclass takes it back.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'PeasSwapError';
    const data = error.data;
    this.type = data?.type ?? 'api_connection_error';
    this.code = data?.code;
    this.param = data?.param;
    const response = responseOf(error.meta);
    this.status = data?.httpStatus ?? response?.status;
    this.requestId = data?.requestId || (response?.headers.get('request-id') ?? undefined);
  }

  /** The one error class, whatever tRPC or the network threw. */
  static fromUnknown(error: unknown): PeasSwapError {
    if (error instanceof PeasSwapError) return error;
    return new PeasSwapError(TRPCClientError.from<AppRouter>(error as Error));
  }
}

/** Whether `error` is a PeasSwapError (also across copies of this package). */
export function isPeasSwapError(error: unknown): error is PeasSwapError {
  return error instanceof PeasSwapError;
}
