import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, MAX_ID_LENGTH, newId } from '@peasswap/domain';
import { apiErrorOf, fromDomainError, toEnvelope, type ApiError } from '../../trpc/errors.js';
import { replyWithError } from '../reply-error.js';

/** A route the server answers, so a known path with another method is a 405, not a 404. */
export interface KnownRoute {
  method: string;
  /** An OpenAPI path template: `/v1/customers/{id}`. */
  path: string;
}

/** Fastify's own failures (body, content type, URL, parameter length) in the contract's words. */
function fromFrameworkError(
  error: FastifyError,
  request: FastifyRequest | undefined,
): ApiError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      // The route's own limit: 1 MiB for JSON, more where a route takes files (CSV import).
      const limit = request?.routeOptions.bodyLimit ?? 1024 * 1024;
      return apiErrorOf(
        'request_too_large',
        `The request body is over ${limit / 1024 / 1024} MiB.`,
      );
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiErrorOf(
        'json_invalid',
        'Send the body as JSON with Content-Type: application/json.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return apiErrorOf('json_invalid', 'The request body is not valid JSON.');
    case 'FST_ERR_BAD_URL':
      return apiErrorOf(
        'parameter_invalid',
        'The URL is not valid: a percent-encoded part does not decode to UTF-8 text.',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return apiErrorOf(
        'parameter_invalid',
        `Invalid id: ids are at most ${MAX_ID_LENGTH} characters.`,
        'id',
      );
    default:
      // Any other client error Fastify raises is still the client's, and still in the envelope.
      return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? apiErrorOf('parameter_invalid', 'The request is malformed.')
        : undefined;
  }
}

function apiErrorOfThrown(error: unknown, request?: FastifyRequest): ApiError {
  if (error instanceof DomainError) return fromDomainError(error);
  const framework = fromFrameworkError(error as FastifyError, request);
  return framework ?? apiErrorOf('api_error', 'Something went wrong on our side.');
}

/**
 * For Fastify's `frameworkErrors` option: failures found while routing (a malformed percent
 * encoding, a path parameter over the limit), before any hook runs, answered like the rest.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.header('request-id', request.id);
  void replyWithError(request, reply, apiErrorOfThrown(error), error);
}

/**
 * For Fastify's `clientErrorHandler`: a request Node refused before Fastify saw it (a head over
 * 16 KiB, bytes that are not HTTP, a head that never finished) still gets the envelope and a
 * request id, written straight to the socket since there is no request object to answer with.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const requestId = newId('request');
  const apiError =
    status === 431
      ? apiErrorOf('request_too_large', 'The URL and headers are over 16 KiB together.')
      : status === 408
        ? apiErrorOf('parameter_invalid', 'The request did not arrive in time.')
        : apiErrorOf('parameter_invalid', 'The request is not valid HTTP.');
  const body = JSON.stringify(toEnvelope(apiError, requestId));
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      `request-id: ${requestId}`,
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/** `/v1/customers/{id}` as a pattern that matches `/v1/customers/cus_123`. */
function pathPattern(path: string): RegExp {
  const escaped = path
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * The one error mapping of the HTTP edge: anything thrown while answering (a DomainError from a
 * hook, Fastify's body and content-type errors, a bug) and any URL that names no route are answered
 * in the contract's envelope with the request id, on REST and in tRPC's shape on `/trpc`.
 */
export const errorMappingPlugin = fp<{ routes: KnownRoute[]; dashboardIndex: boolean }>(
  (app, { routes, dashboardIndex }, done) => {
    const known = routes.map((route) => ({
      method: route.method,
      pattern: pathPattern(route.path),
    }));

    app.setErrorHandler((error, request, reply) =>
      replyWithError(request, reply, apiErrorOfThrown(error, request), error),
    );

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const isApi = /^\/(v1|trpc)(\/|$)/.test(path);
      // A missing file (`/assets/old-build.js`) is a 404, so a broken build is never hidden.
      const isFile = /\.[a-z0-9]+$/i.test(path);
      if (dashboardIndex && !isApi && !isFile && request.method === 'GET') {
        // The dashboard routes in the browser: any other page is its index.
        return reply.sendFile('index.html');
      }
      const allowed = known.filter((route) => route.pattern.test(path)).map((r) => r.method);
      if (allowed.length > 0) {
        reply.header('allow', [...new Set(allowed)].join(', '));
        return replyWithError(
          request,
          reply,
          apiErrorOf(
            'method_not_allowed',
            `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}.`,
          ),
        );
      }
      return replyWithError(
        request,
        reply,
        apiErrorOf(
          'route_missing',
          `Unrecognized request URL (${request.method}: ${request.url}).`,
        ),
      );
    });
    done();
  },
  { name: 'error-mapping' },
);
