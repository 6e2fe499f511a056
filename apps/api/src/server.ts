import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import scalarApiReference from '@scalar/fastify-api-reference';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { newId, type DomainError } from '@peasswap/domain';
import { API_KEY_REVOKED_CHANNEL, ApiKeyAuthenticator } from './auth/api-keys.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './auth/cookies.js';
import { crossSiteProblem, environmentOf } from './auth/dashboard-request.js';
import { authenticateSession } from './auth/sessions.js';
import type { DatabaseHandle } from './db/client.js';
import { simulatedProcessor } from './payments/processor.js';
import { registerRestRoutes } from './rest/adapter.js';
import { sendError } from './rest/envelope.js';
import { registerIdempotency } from './rest/idempotency.js';
import { buildOpenApiDocument } from './rest/openapi.js';
import { RateLimiter } from './rest/rate-limit.js';
import type { Auth, Context, DashboardHttp } from './trpc/context.js';
import { apiErrorOf } from './trpc/errors.js';
import { appRouter, createCaller, type AppRouter } from './trpc/root.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: Auth;
    authFailure?: DomainError;
  }
}

export interface ServerOptions {
  database: DatabaseHandle;
  logLevel?: string;
  rateLimit?: { perSecond: number; burst: number };
  /** The built dashboard; served at `/` when present. */
  webDistDir?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;
const TRPC_PATH = /^\/trpc(\/|\?|$)/;
const DEFAULT_WEB_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../web/dist',
);

/** One Fastify app serving REST, tRPC, the OpenAPI document, the docs and the dashboard. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { db } = options.database;
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body'],
    },
    genReqId: () => newId('request'),
    bodyLimit: MAX_BODY_BYTES,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  // An empty JSON body (a DELETE sent with Content-Type: application/json) is no body at all.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 }));
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('request-id', request.id);
  });

  const apiKeys = new ApiKeyAuthenticator(db, (error) =>
    app.log.warn({ err: error }, 'could not record API key use'),
  );
  const stopListening = await options.database.listen(API_KEY_REVOKED_CHANNEL, (keyId) =>
    apiKeys.evict(keyId),
  );
  app.addHook('onClose', async () => {
    await stopListening().catch((error: unknown) =>
      app.log.warn({ err: error }, 'could not stop listening for key revocations'),
    );
  });

  // One place decides who is calling: an API key (REST and tRPC), else on tRPC the dashboard's
  // session cookie. A key always wins, so API-key behaviour never depends on cookies.
  app.addHook('preHandler', async (request) => {
    request.auth = await apiKeys.authenticate(request.headers.authorization);
    if (request.auth || !TRPC_PATH.test(request.url)) return;
    const session = await authenticateSession(db, request.headers);
    if (session.kind === 'signed-in') request.auth = session.auth;
    if (session.kind === 'refused') request.authFailure = session.error;
  });

  const limiter = options.rateLimit
    ? new RateLimiter(options.rateLimit.perSecond, options.rateLimit.burst)
    : undefined;
  app.addHook('preHandler', async (request, reply) => {
    if (!limiter || !request.auth) return;
    const verdict = limiter.take(request.auth.keyId);
    if (verdict.allowed) return;
    reply.header('retry-after', String(verdict.retryAfterSeconds));
    return sendError(
      reply,
      apiErrorOf('rate_limited', 'Too many requests with this key; slow down and retry.'),
      request.id,
    );
  });

  // tRPC answers with a web Response; turn it into text here so the idempotency store sees the
  // exact bytes a client received, as it does for REST.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!(payload instanceof Response)) return payload;
    reply.code(payload.status);
    payload.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    return payload.text();
  });
  registerIdempotency(app, db);

  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    if (error.statusCode === 413) {
      return sendError(
        reply,
        apiErrorOf('request_too_large', 'The request body is over 1 MiB.'),
        request.id,
      );
    }
    if (error.statusCode === 415) {
      return sendError(
        reply,
        apiErrorOf('json_invalid', 'Send the body as JSON with Content-Type: application/json.'),
        request.id,
      );
    }
    if (error.statusCode === 400) {
      return sendError(
        reply,
        apiErrorOf('json_invalid', 'The request body is not valid JSON.'),
        request.id,
      );
    }
    return sendError(
      reply,
      apiErrorOf('api_error', 'Something went wrong on our side.'),
      request.id,
      error,
    );
  });

  const createContext = (request: FastifyRequest, reply?: FastifyReply): Context => ({
    db,
    requestId: request.id,
    log: request.log,
    auth: request.auth,
    authFailure: request.authFailure,
    dashboard: reply && dashboardHttp(request, reply),
    processor: simulatedProcessor,
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) => createContext(req, res),
      onError: ({ error, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error({ err: error.cause ?? error, requestId: req.id }, 'request failed');
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  registerRestRoutes(app, appRouter, createCaller, createContext);

  const openApiDocument = buildOpenApiDocument(appRouter);
  app.get('/openapi.json', (_request, reply) => reply.send(openApiDocument));
  await app.register(scalarApiReference, {
    routePrefix: '/docs',
    configuration: {
      url: '/openapi.json',
      // Nothing fetched from outside (the docs work offline), and no vendor toolbar for readers.
      withDefaultFonts: false,
      showDeveloperTools: 'never',
    },
  });

  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await options.database.ping();
      return { status: 'ok', database: options.database.engine };
    } catch (error) {
      request.log.error({ err: error }, 'database unreachable');
      return reply.code(503).send({ status: 'unavailable', database: options.database.engine });
    }
  });

  const webDistDir = options.webDistDir ?? DEFAULT_WEB_DIST;
  const hasDashboard = existsSync(path.join(webDistDir, 'index.html'));
  if (hasDashboard) {
    await app.register(fastifyStatic, { root: webDistDir, wildcard: false });
  }

  app.setNotFoundHandler((request, reply) => {
    const isApi = /^\/(v1|trpc)(\/|$)/.test(request.url);
    // A missing file (`/assets/old-build.js`) is a 404, so a broken build is never hidden.
    const isFile = /\.[a-z0-9]+$/i.test(request.url.split('?')[0] ?? '');
    if (hasDashboard && !isApi && !isFile && request.method === 'GET') {
      // The dashboard routes in the browser: any other page is its index.
      return reply.sendFile('index.html');
    }
    return sendError(
      reply,
      apiErrorOf('route_missing', `Unrecognized request URL (${request.method}: ${request.url}).`),
      request.id,
    );
  });

  return app;
}

/** The session cookie as the dashboard's tRPC procedures see it (sign in, sign out, me). */
function dashboardHttp(request: FastifyRequest, reply: FastifyReply): DashboardHttp {
  const secure = request.protocol === 'https';
  return {
    crossSiteProblem: crossSiteProblem(request.headers),
    sessionToken: readCookie(request.headers.cookie, SESSION_COOKIE),
    environment: environmentOf(request.headers),
    setSessionCookie: (token, expiresAt) => {
      const maxAge = Math.round((expiresAt.getTime() - Date.now()) / 1000);
      reply.header('set-cookie', sessionCookie(token, maxAge, secure));
    },
    clearSessionCookie: () => {
      reply.header('set-cookie', clearedSessionCookie(secure));
    },
  };
}
