import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '@peasswap/domain';
import type { Context } from '../../trpc/context.js';
import { fromDomainError } from '../../trpc/errors.js';
import { appRouter, type AppRouter } from '../../trpc/root.js';
import { addRouteHooks } from './route-hooks.js';

/** The tRPC transport's paths (and its routes' URLs): `/trpc`, `/trpc/<procedures>`, with a query. */
export const TRPC_PATH = /^\/trpc(\/|\?|$)/;

/**
 * tRPC answers with a web Response; it is turned into text before any other onSend hook, so the
 * idempotency store sees the exact bytes a client received, as it does for REST.
 */
export const trpcResponseTextPlugin = fp(
  (app, _options, done) => {
    addRouteHooks(app, (route) => TRPC_PATH.test(route.url), {
      onSend: async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        if (!(payload instanceof Response)) return payload;
        reply.code(payload.status);
        payload.headers.forEach((value, name) => {
          reply.header(name, value);
        });
        return payload.text();
      },
    });
    done();
  },
  { name: 'trpc-response-text' },
);

/** The tRPC transport at `/trpc`: the same procedures the REST routes call. */
export const trpcPlugin = fp<{
  createContext: (request: FastifyRequest, reply: FastifyReply) => Context;
}>(
  async (app, { createContext }) => {
    await app.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        createContext: ({ req, res }) => createContext(req, res),
        // A refusal that says when to retry (the sign-in lockout) sends Retry-After, as REST does.
        responseMeta: ({ errors }) => {
          const seconds = errors.map((error) => retryAfterOf(error.cause));
          const longest = Math.max(0, ...seconds);
          return longest > 0 ? { headers: { 'retry-after': String(longest) } } : {};
        },
        onError: ({ error, req }) => {
          if (error.code === 'INTERNAL_SERVER_ERROR') {
            req.log.error({ err: error.cause ?? error, requestId: req.id }, 'request failed');
          }
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    });
  },
  { name: 'trpc', dependencies: ['trpc-response-text'] },
);

function retryAfterOf(cause: unknown): number {
  return cause instanceof DomainError ? (fromDomainError(cause).retryAfterSeconds ?? 0) : 0;
}
