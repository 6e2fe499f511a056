import fp from 'fastify-plugin';
import { apiErrorOf } from '../../trpc/errors.js';
import { replyWithError } from '../reply-error.js';
import { RateLimiter } from './token-bucket.js';

/** Per-key rate limits: `perSecond` on average, bursts up to `burst` (429 with Retry-After). */
export const rateLimitPlugin = fp<{ perSecond: number; burst: number }>(
  (app, { perSecond, burst }, done) => {
    const limiter = new RateLimiter(perSecond, burst);
    app.addHook('preHandler', async (request, reply) => {
      if (!request.auth) return;
      const verdict = limiter.take(request.auth.keyId);
      if (verdict.allowed) return;
      reply.header('retry-after', String(verdict.retryAfterSeconds));
      return replyWithError(
        request,
        reply,
        apiErrorOf('rate_limited', 'Too many requests with this key; slow down and retry.'),
      );
    });
    done();
  },
  { name: 'rate-limit', dependencies: ['authentication'] },
);
