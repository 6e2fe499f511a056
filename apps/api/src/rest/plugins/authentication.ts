import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { DomainError } from '@peasswap/domain';
import { API_KEY_REVOKED_CHANNEL, ApiKeyAuthenticator } from '../../auth/api-keys.js';
import { authenticateSession } from '../../auth/sessions.js';
import type { Auth } from '../../auth/types.js';
import type { DatabaseHandle } from '../../db/client.js';
import { CUSTOMER_EXPORT_PATH, CUSTOMER_IMPORT_PATH } from '../customer-csv.js';
import { TRPC_PATH } from './trpc.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Verified API keys; `evict` forgets a revoked key in this process at once. */
    apiKeys: ApiKeyAuthenticator;
  }
  interface FastifyRequest {
    auth?: Auth;
    authFailure?: DomainError;
    /** A credential was sent and refused: a malformed or unknown key, an ended session. */
    credentialRefused?: boolean;
  }
}

/**
 * Where the dashboard's session counts: tRPC, and the two REST routes that carry a file rather than
 * JSON: the CSV export (a download) and the CSV import (an upload larger than tRPC's 1 MiB body
 * limit allows). Both are sent with the headers of its tRPC calls and pass the same cross-site
 * checks (see authenticateSession). Every other REST route takes API keys only.
 */
function acceptsSession(request: FastifyRequest): boolean {
  if (TRPC_PATH.test(request.url)) return true;
  const route = request.routeOptions.url;
  if (request.method === 'GET') return route === CUSTOMER_EXPORT_PATH;
  return request.method === 'POST' && route === CUSTOMER_IMPORT_PATH;
}

/**
 * Who is calling, decided in one place: an API key (REST and tRPC), else on tRPC (and the CSV
 * routes) the dashboard's session cookie. A key always wins, so API-key behaviour never depends on cookies. Requests
 * without a usable credential go on unauthenticated: each procedure decides whether it needs one.
 */
export const authenticationPlugin = fp<{ database: DatabaseHandle }>(
  async (app, { database }) => {
    const apiKeys = new ApiKeyAuthenticator(database.db, (error) =>
      app.log.warn({ err: error }, 'could not record API key use'),
    );
    app.decorate('apiKeys', apiKeys);

    // A key revoked in another process is forgotten here as soon as its NOTIFY arrives.
    const stopListening = await database.listen(API_KEY_REVOKED_CHANNEL, (keyId) =>
      apiKeys.evict(keyId),
    );
    app.addHook('onClose', async () => {
      await stopListening().catch((error: unknown) =>
        app.log.warn({ err: error }, 'could not stop listening for key revocations'),
      );
    });

    app.addHook('preHandler', async (request) => {
      const { authorization } = request.headers;
      request.auth = await apiKeys.authenticate(authorization);
      if (!request.auth && authorization !== undefined) request.credentialRefused = true;
      if (request.auth || !acceptsSession(request)) return;
      const session = await authenticateSession(database.db, request.headers);
      if (session.kind === 'signed-in') request.auth = session.auth;
      if (session.kind === 'refused') {
        request.authFailure = session.error;
        request.credentialRefused = true;
      }
    });
  },
  { name: 'authentication' },
);
