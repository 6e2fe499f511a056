/**
 * The closed set of error codes the API can answer with, and the error `type` each belongs to.
 * The HTTP status of each code lives at the edge (apps/api/src/trpc/errors.ts); the words live here
 * so that every layer, the web app included, names a failure the same way.
 */
export const ERROR_TYPE_BY_CODE = {
  parameter_missing: 'invalid_request_error',
  parameter_invalid: 'invalid_request_error',
  parameter_unknown: 'invalid_request_error',
  json_invalid: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  content_type_unsupported: 'invalid_request_error',
  email_invalid: 'invalid_request_error',
  phone_invalid: 'invalid_request_error',
  resource_missing: 'invalid_request_error',
  route_missing: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  customer_email_taken: 'invalid_request_error',
  user_email_taken: 'invalid_request_error',
  last_owner: 'invalid_request_error',
  customer_merged: 'invalid_request_error',
  sensitive_data_rejected: 'invalid_request_error',
  card_number_invalid: 'invalid_request_error',
  card_expired: 'invalid_request_error',
  cvc_invalid: 'invalid_request_error',
  card_declined: 'invalid_request_error',
  insufficient_funds: 'invalid_request_error',
  payment_method_unexpected_state: 'invalid_request_error',
  api_key_invalid: 'authentication_error',
  credentials_invalid: 'authentication_error',
  session_expired: 'authentication_error',
  cross_site_request_refused: 'permission_error',
  insufficient_permissions: 'permission_error',
  password_change_required: 'permission_error',
  idempotency_key_invalid: 'idempotency_error',
  idempotency_key_reused: 'idempotency_error',
  idempotency_key_in_use: 'idempotency_error',
  rate_limited: 'rate_limit_error',
  api_error: 'api_error',
} as const;

export type ErrorCode = keyof typeof ERROR_TYPE_BY_CODE;
export type ErrorType = (typeof ERROR_TYPE_BY_CODE)[ErrorCode];
export const ERROR_CODES = Object.keys(ERROR_TYPE_BY_CODE) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_TYPE_BY_CODE, value);
}

export interface DomainErrorDetails {
  /** The offending field, dotted for nested ones: `email`, `metadata.plan`. */
  param?: string;
  /** Extra machine-readable facts, such as the id of the customer that already has an email. */
  extra?: Record<string, string>;
  /**
   * The HTTP status when it differs from the code's usual one: `resource_missing` is a 404 for
   * the object in the URL but a 400 for an id passed as a parameter (`customer`, `startingAfter`).
   */
  status?: 400;
  /** For `rate_limited`: how long to wait, sent as the Retry-After header. */
  retryAfterSeconds?: number;
}

/** The one error the domain and the queries raise for an expected failure. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly type: ErrorType;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.type = ERROR_TYPE_BY_CODE[code];
  }

  get param(): string | undefined {
    return this.details.param;
  }
}

/** An expected failure in pure code, returned as a value (STYLE rule 5). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: DomainError): Result<T> => ({ ok: false, error });
