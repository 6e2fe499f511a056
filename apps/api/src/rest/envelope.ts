import type { FastifyReply } from 'fastify';
import { toEnvelope, type ApiError } from '../trpc/errors.js';

/** Answer with the contract's error envelope; 500s are logged with the request id. */
export function sendError(
  reply: FastifyReply,
  error: ApiError,
  requestId: string,
  cause?: unknown,
) {
  if (error.status >= 500) reply.log.error({ err: cause, requestId }, 'request failed');
  return reply.code(error.status).send(toEnvelope(error, requestId));
}
