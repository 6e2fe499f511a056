import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import scalarApiReference from '@scalar/fastify-api-reference';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MAX_ID_LENGTH, newId } from '@peasswap/domain';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './auth/cookies.js';
import { actorOf } from './auth/actor.js';
import { crossSiteProblem, environmentOf } from './auth/dashboard-request.js';
import { cardHashing } from './crypto/card-hashing.js';
import type { DatabaseHandle } from './db/client.js';
import { billingPlugin } from './billing/plugin.js';
import { outboxFor } from './events/outbox.js';
import { housekeepingPlugin } from './housekeeping.js';
import { runPeriodically } from './periodic.js';
import { backfillDuplicateKeys } from './queries/duplicate-keys.js';
import { loggerOptions, type LogDestination } from './logging.js';
import { ensureServerSecret } from './queries/server-secrets.js';
import { simulatedProcessor } from './payments/processor.js';
import { registerRestRoutes } from './rest/adapter.js';
import {
  CUSTOMER_EXPORT_PATH,
  CUSTOMER_IMPORT_PATH,
  customerCsvRoutes,
} from './rest/customer-csv.js';
import { buildOpenApiDocument } from './rest/openapi.js';
import { listRestOperations } from './rest/operations.js';
import { authenticationPlugin } from './rest/plugins/authentication.js';
import {
  answerClientError,
  answerFrameworkError,
  errorMappingPlugin,
} from './rest/plugins/error-mapping.js';
import {
  databaseOf,
  idempotencyPlugin,
  type IdempotencyFaults,
} from './rest/plugins/idempotency.js';
import { jsonBodyPlugin } from './rest/plugins/json-body.js';
import { rateLimitPlugin, type RateLimits } from './rest/plugins/rate-limit.js';
import { requestIdPlugin } from './rest/plugins/request-id.js';
import { trpcPlugin, trpcResponseTextPlugin } from './rest/plugins/trpc.js';
import type { Context, DashboardHttp } from './trpc/context.js';
import { appRouter } from './trpc/root.js';
import { systemResolver, type HostResolver } from './webhooks/destinations.js';
import { webhooksPlugin, type WebhookDeliveryConfig } from './webhooks/plugin.js';

export interface ServerOptions {
  database: DatabaseHandle;
  logLevel?: string;
  /** Where log lines go (default stdout); tests capture them. */
  logStream?: LogDestination;
  rateLimit?: RateLimits;
  /** The built dashboard; served at `/` when present. */
  webDistDir?: string;
  /** Purge expired rows every `intervalSeconds` (see housekeeping.ts). */
  housekeeping?: { intervalSeconds: number };
  /** Reverse proxies whose X-Forwarded-For names the client (per-address limits count it). */
  trustProxy?: string | undefined;
  /**
   * Fill the duplicate keys of customers from before the duplicate finder, in the background once
   * the server is up (a big table takes minutes; the server does not wait for it).
   */
  duplicateKeys?: boolean;
  /** Run a billing pass every `intervalSeconds` (see billing/plugin.ts). */
  billing?: { intervalSeconds: number };
  /** Deliver webhooks when a commit queues some, and every `intervalSeconds` (webhooks/plugin.ts). */
  webhooks?: WebhookDeliveryConfig;
  /** The key of card fingerprints; unset, a random one is kept in the database. */
  fingerprintSecret?: string | undefined;
  /**
   * Bench only: `false` skips writing events, to measure what the outbox row costs a request.
   * Every change writes its event otherwise (SPEC §7).
   */
  recordEvents?: boolean;
  /** Tests only: resolves webhook URLs' hosts (endpoint create, update) instead of system DNS. */
  webhookResolver?: HostResolver;
  /** Tests only: called at each step of an idempotent request, to crash it there. */
  idempotencyFaults?: IdempotencyFaults;
}

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_WEB_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../web/dist',
);

/** One Fastify app serving REST, tRPC, the OpenAPI document, the docs and the dashboard. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { db } = options.database;
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', options.logStream),
    genReqId: () => newId('request'),
    bodyLimit: MAX_BODY_BYTES,
    // A path parameter is an id: as long as an id may be anywhere else, and no longer.
    routerOptions: { maxParamLength: MAX_ID_LENGTH },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
  });
  const restOperations = listRestOperations(appRouter);
  const hashing = cardHashing(() =>
    options.fingerprintSecret !== undefined
      ? Promise.resolve(Buffer.from(options.fingerprintSecret, 'utf8'))
      : ensureServerSecret(db, 'card_hashing'),
  );
  const webDistDir = options.webDistDir ?? DEFAULT_WEB_DIST;
  const hasDashboard = existsSync(path.join(webDistDir, 'index.html'));

  // The HTTP edge, in the order a request meets it. Hooks of one kind run in registration order.
  await app.register(requestIdPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(errorMappingPlugin, {
    routes: [
      ...restOperations.map(({ meta }) => ({ method: meta.method, path: meta.path })),
      { method: 'POST', path: CUSTOMER_IMPORT_PATH },
      { method: 'GET', path: CUSTOMER_EXPORT_PATH },
    ],
    dashboardIndex: hasDashboard,
  });
  await app.register(trpcResponseTextPlugin);
  await app.register(authenticationPlugin, { database: options.database });
  if (options.rateLimit) {
    await app.register(rateLimitPlugin, { ...options.rateLimit, database: options.database });
  }
  await app.register(idempotencyPlugin, {
    db,
    cardHashing: hashing,
    faults: options.idempotencyFaults,
  });

  const createContext = (request: FastifyRequest, reply?: FastifyReply): Context => ({
    db: databaseOf(request, db),
    // A request in a transaction reads its own writes there; others may read a replica.
    readDb: databaseOf(request, options.database.readDb),
    requestId: request.id,
    log: request.log,
    auth: request.auth,
    authFailure: request.authFailure,
    outbox: outboxFor(
      {
        requestId: request.id,
        idempotencyKey: request.idempotency?.key ?? null,
        actor: actorOf(request.auth),
        clientIp: request.ip,
      },
      options.recordEvents !== false,
    ),
    dashboard: reply && dashboardHttp(request, reply),
    processor: simulatedProcessor,
    cardHashing: hashing,
    resolveHost: options.webhookResolver ?? systemResolver,
    apiKeys: app.apiKeys,
  });

  // What the edge serves: tRPC and REST (the same procedures), the documents, the dashboard.
  await app.register(trpcPlugin, { createContext });
  registerRestRoutes(app, restOperations, createContext);
  // CSV in and out: routes of their own (a text/csv body, a streamed answer), same hooks.
  await app.register(customerCsvRoutes, { createContext });

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
    const { engine, pingReplica } = options.database;
    try {
      await options.database.ping();
    } catch (error) {
      request.log.error({ err: error }, 'database unreachable');
      return reply.code(503).send({ status: 'unavailable', database: engine });
    }
    if (!pingReplica) return { status: 'ok', database: engine };
    // Lists and search fail without the replica: not ready, and the answer says which is down.
    try {
      await pingReplica();
      return { status: 'ok', database: engine, replica: 'ok' };
    } catch (error) {
      request.log.error({ err: error }, 'read replica unreachable');
      return reply
        .code(503)
        .send({ status: 'unavailable', database: engine, replica: 'unavailable' });
    }
  });

  if (options.billing) {
    await app.register(billingPlugin, {
      db,
      processor: simulatedProcessor,
      ...options.billing,
    });
  }
  if (options.webhooks) {
    await app.register(webhooksPlugin, {
      database: options.database,
      ...options.webhooks,
      resolve: options.webhooks.resolve ?? options.webhookResolver,
    });
  }
  if (options.duplicateKeys) {
    runPeriodically(app, {
      name: 'duplicate keys backfill',
      // Once at start; later runs only look (customers are written with their keys).
      intervalSeconds: 6 * 3600,
      task: async () => {
        const filled = await backfillDuplicateKeys(db);
        if (filled > 0) app.log.info({ filled }, 'duplicate keys filled');
      },
    });
  }
  if (options.housekeeping) {
    await app.register(housekeepingPlugin, { db, ...options.housekeeping });
  }

  if (hasDashboard) {
    await app.register(fastifyStatic, { root: webDistDir, wildcard: false });
  }
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
