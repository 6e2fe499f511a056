import { TRPCError } from '@trpc/server';
import {
  TRPC_ERROR_CODES_BY_KEY,
  type TRPC_ERROR_CODE_KEY,
  type TRPC_ERROR_CODE_NUMBER,
} from '@trpc/server/rpc';
import { z } from 'zod';
import {
  codeOfIssue,
  containsCardNumber,
  DomainError,
  innermostIssue,
  ERROR_TYPE_BY_CODE,
  type ErrorCode,
  type ErrorType,
} from '@peasswap/domain';

/**
 * The one mapping from an error to what a client sees: code → HTTP status → tRPC code → the
 * `{ error: {...} }` envelope. REST and tRPC both answer through it.
 */
const HTTP_STATUS_BY_CODE = {
  parameter_missing: 400,
  parameter_invalid: 400,
  parameter_unknown: 400,
  json_invalid: 400,
  request_too_large: 413,
  content_type_unsupported: 415,
  email_invalid: 400,
  phone_invalid: 400,
  resource_missing: 404,
  route_missing: 404,
  method_not_allowed: 405,
  customer_email_taken: 409,
  user_email_taken: 409,
  last_owner: 409,
  customer_merged: 404,
  sensitive_data_rejected: 400,
  card_number_invalid: 400,
  card_expired: 400,
  cvc_invalid: 400,
  card_declined: 400,
  insufficient_funds: 400,
  payment_method_unexpected_state: 400,
  api_key_invalid: 401,
  credentials_invalid: 401,
  session_expired: 401,
  cross_site_request_refused: 403,
  insufficient_permissions: 403,
  password_change_required: 403,
  idempotency_key_invalid: 400,
  idempotency_key_reused: 400,
  idempotency_key_in_use: 409,
  rate_limited: 429,
  api_error: 500,
} as const satisfies Record<ErrorCode, number>;

type HttpStatus = (typeof HTTP_STATUS_BY_CODE)[ErrorCode];

const TRPC_CODE_BY_STATUS = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<HttpStatus, TRPC_ERROR_CODE_KEY>;

export interface ApiError {
  status: HttpStatus;
  type: ErrorType;
  code: ErrorCode;
  message: string;
  param?: string;
  /** Facts particular to one code, such as `customer` on `customer_email_taken`. */
  extra?: Record<string, string>;
  /** Sent as the Retry-After header (429s). */
  retryAfterSeconds?: number;
}

export interface ErrorEnvelope {
  error: {
    type: ErrorType;
    code: ErrorCode;
    message: string;
    param?: string;
    requestId: string;
    [extra: string]: string | undefined;
  };
}

export function apiErrorOf(code: ErrorCode, message: string, param?: string): ApiError {
  return {
    status: HTTP_STATUS_BY_CODE[code],
    type: ERROR_TYPE_BY_CODE[code],
    code,
    message,
    ...(param !== undefined && { param }),
  };
}

export function fromDomainError(error: DomainError): ApiError {
  return {
    ...apiErrorOf(error.code, error.message, error.param),
    ...(error.details.status !== undefined && { status: error.details.status }),
    ...(error.details.extra &&
      Object.keys(error.details.extra).length > 0 && { extra: error.details.extra }),
    ...(error.details.retryAfterSeconds !== undefined && {
      retryAfterSeconds: error.details.retryAfterSeconds,
    }),
  };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A field's path as a client sees it. A name is sent back, unlike a value, so a name that holds a
 * card number (an unknown field or a metadata key named with one) is not repeated: the answer is
 * stored for idempotent replays and must carry no card data.
 */
const dotted = (path: readonly PropertyKey[]) =>
  path.map((key) => (containsCardNumber(String(key)) ? '[redacted]' : String(key))).join('.');

/** A zod failure as the first thing wrong with the request, naming the field. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], input: unknown): ApiError {
  const issue = issues[0];
  if (!issue) return apiErrorOf('parameter_invalid', 'The request is invalid.');
  const param = dotted(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const unknown = dotted([...issue.path, issue.keys[0] ?? '']);
    return apiErrorOf('parameter_unknown', `Received unknown parameter: ${unknown}.`, unknown);
  }
  const coded = codeOfIssue(issue);
  const message = innermostIssue(issue).message;
  if (coded) return apiErrorOf(coded, message, param || undefined);
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    return param
      ? apiErrorOf('parameter_missing', `Missing required param: ${param}.`, param)
      : apiErrorOf('parameter_missing', 'The request needs a JSON object body.');
  }
  return param
    ? apiErrorOf('parameter_invalid', `Invalid ${param}: ${message}`, param)
    : apiErrorOf('parameter_invalid', `Invalid request: ${message}`);
}

function isZodError(error: unknown): error is z.core.$ZodError {
  return error instanceof z.core.$ZodError;
}

/** Anything thrown while answering, as the error a client may see. Unknown errors become 500s. */
export function toApiError(error: unknown, input: unknown): ApiError {
  const cause = error instanceof TRPCError ? (error.cause ?? error) : error;
  if (cause instanceof DomainError) return fromDomainError(cause);
  // Input failures arrive as BAD_REQUEST; a ZodError under any other code is our output breaking.
  const inputFailed = !(error instanceof TRPCError) || error.code === 'BAD_REQUEST';
  if (inputFailed && isZodError(cause)) return fromZodIssues(cause.issues, input);
  if (error instanceof TRPCError) {
    if (error.cause instanceof SyntaxError) {
      return apiErrorOf('json_invalid', 'The request body is not valid JSON.');
    }
    switch (error.code) {
      case 'PARSE_ERROR':
        return apiErrorOf('json_invalid', 'The request body is not valid JSON.');
      case 'UNSUPPORTED_MEDIA_TYPE':
        return apiErrorOf(
          'json_invalid',
          'Send the body as JSON with Content-Type: application/json.',
        );
      case 'PAYLOAD_TOO_LARGE':
        return apiErrorOf('request_too_large', 'The request body is too large.');
      case 'NOT_FOUND':
        return apiErrorOf('route_missing', error.message);
      case 'METHOD_NOT_SUPPORTED':
        return apiErrorOf('method_not_allowed', error.message);
      case 'BAD_REQUEST':
        return apiErrorOf('parameter_invalid', error.message);
      default:
        break;
    }
  }
  return apiErrorOf('api_error', 'Something went wrong on our side. Try again later.');
}

export function toEnvelope(apiError: ApiError, requestId: string): ErrorEnvelope {
  return {
    error: {
      type: apiError.type,
      code: apiError.code,
      message: apiError.message,
      ...(apiError.param !== undefined && { param: apiError.param }),
      ...apiError.extra,
      requestId,
    },
  };
}

/** The tRPC error a DomainError becomes, so tRPC answers with the matching HTTP status. */
export function toTrpcError(error: DomainError): TRPCError {
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[fromDomainError(error).status],
    message: error.message,
    cause: error,
  });
}

/** tRPC's error shape, carrying the envelope's facts in `data` (SPEC §3). */
export interface TrpcErrorShape {
  message: string;
  // tRPC's own number type, not `number`: the router infers its error shape from the formatter
  // only when this fits tRPC's TRPCErrorShape, else clients see tRPC's default shape instead.
  code: TRPC_ERROR_CODE_NUMBER;
  data: {
    type: ErrorType;
    code: ErrorCode;
    param?: string;
    httpStatus: number;
    path: string | undefined;
    requestId: string;
    [extra: string]: string | number | undefined;
  };
}

/**
 * The error as tRPC answers it: the same facts as the REST envelope, under tRPC's `data`. Both the
 * router's errorFormatter and the HTTP edge (rate limits, idempotency, malformed requests on
 * `/trpc`) answer through it, so a tRPC client sees one shape whoever refused the call.
 */
export function toTrpcErrorShape(
  apiError: ApiError,
  requestId: string,
  path: string | undefined,
): TrpcErrorShape {
  return {
    message: apiError.message,
    code: TRPC_ERROR_CODES_BY_KEY[TRPC_CODE_BY_STATUS[apiError.status]],
    data: {
      type: apiError.type,
      code: apiError.code,
      ...(apiError.param !== undefined && { param: apiError.param }),
      ...apiError.extra,
      httpStatus: apiError.status,
      path,
      requestId,
    },
  };
}
