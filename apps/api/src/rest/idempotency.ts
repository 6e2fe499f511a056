import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/client.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from '../queries/idempotency-keys.js';
import type { Scope } from '../queries/scope.js';
import { apiErrorOf } from '../trpc/errors.js';
import { canonicalJson } from './canonical-json.js';
import { sendError } from './envelope.js';

const MAX_KEY_LENGTH = 255;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { scope: Scope; key: string };
  }
}

function requestHash(request: FastifyRequest): string {
  const body = typeof request.body === 'string' ? parseOrKeep(request.body) : request.body;
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Idempotency-Key on every POST, REST and tRPC alike, at the HTTP edge: the key is claimed in the
 * database before the request runs, and the exact status and body it answered are replayed to any
 * retry for 24 hours. Runs after authentication, because keys belong to an account and environment.
 */
export function registerIdempotency(app: FastifyInstance, db: Database): void {
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.auth) return;
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      const error = apiErrorOf(
        'idempotency_key_invalid',
        `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters.`,
      );
      return sendError(reply, error, request.id);
    }
    const scope = { accountId: request.auth.accountId, livemode: request.auth.livemode };
    const claim = await claimIdempotencyKey(db, scope, key, requestHash(request));
    switch (claim.kind) {
      case 'claimed':
        request.idempotency = { scope, key };
        return;
      case 'replay':
        return reply
          .code(claim.status)
          .header('content-type', 'application/json; charset=utf-8')
          .header('idempotent-replayed', 'true')
          .send(claim.body);
      case 'reused':
        return sendError(
          reply,
          apiErrorOf(
            'idempotency_key_reused',
            'This Idempotency-Key was used with another request; use a new key for a new request.',
          ),
          request.id,
        );
      case 'in_use':
        return sendError(
          reply,
          apiErrorOf(
            'idempotency_key_in_use',
            'A request with this Idempotency-Key is still running; retry when it has finished.',
          ),
          request.id,
        );
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = undefined;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await releaseIdempotencyKey(db, claim.scope, claim.key);
    } else {
      await completeIdempotencyKey(db, claim.scope, claim.key, {
        status: reply.statusCode,
        body: payload,
      });
    }
    return payload;
  });
}
