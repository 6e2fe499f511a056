import type { FastifyReply, FastifyRequest } from 'fastify';
import { toEnvelope, toTrpcErrorShape, type ApiError } from '../trpc/errors.js';

const TRPC_URL = /^\/trpc(?:\/([^?]*))?(?:\?(.*))?$/;

/** The procedure paths a `/trpc/...` URL names (several when batched), or undefined off tRPC. */
function trpcCallsOf(url: string): { paths: string[]; batch: boolean } | undefined {
  const match = TRPC_URL.exec(url);
  if (!match) return undefined;
  const paths = (match[1] ?? '').split(',').map((p) => safeDecode(p));
  const batch = new URLSearchParams(match[2] ?? '').get('batch') === '1';
  return { paths, batch };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Answer a failure in the caller's transport: the REST envelope `{"error": {...}}`, or on `/trpc`
 * tRPC's own error shape (one per call of a batch) carrying the same type, code and param. Every
 * refusal at the HTTP edge (malformed request, authentication, rate limit, idempotency) and every
 * unexpected failure goes through here; 500s are logged with the request id, never answered with
 * their cause.
 */
export function replyWithError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: ApiError,
  cause?: unknown,
) {
  if (error.status >= 500)
    request.log.error({ err: cause, requestId: request.id }, 'request failed');
  reply.code(error.status);
  if (error.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(error.retryAfterSeconds));
  }
  const trpc = trpcCallsOf(request.url);
  if (!trpc) return reply.send(toEnvelope(error, request.id));
  const answers = trpc.paths.map((path) => ({
    error: toTrpcErrorShape(error, request.id, path || undefined),
  }));
  return reply.send(trpc.batch ? answers : answers[0]);
}
