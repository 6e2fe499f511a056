import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Database, Executor } from '../../db/client.js';
import { openTransaction, type OpenTransaction } from '../../db/open-transaction.js';
import {
  findIdempotentAnswer,
  lockIdempotencyKey,
  storeIdempotentAnswer,
} from '../../queries/idempotency-keys.js';
import type { Scope } from '../../queries/scope.js';
import { apiErrorOf } from '../../trpc/errors.js';
import { canonicalJson } from '../canonical-json.js';
import { replyWithError } from '../reply-error.js';

const MAX_KEY_LENGTH = 255;

/**
 * The moments of an idempotent request, in order: the key is locked and has no answer yet; the
 * request has run and its answer is about to be stored; the answer is stored (not yet committed);
 * the request's writes and its answer are committed. Tests inject failures at each one.
 */
export type IdempotencyStep = 'claimed' | 'answering' | 'stored' | 'committed';
export type IdempotencyFaults = (step: IdempotencyStep) => void | Promise<void>;

interface IdempotentRun {
  scope: Scope;
  key: string;
  requestHash: string;
  transaction: OpenTransaction;
  release(): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: IdempotentRun;
  }
}

/** The database a request's procedures must use: its idempotency transaction, when it has one. */
export function databaseOf(request: FastifyRequest, db: Database): Executor {
  return request.idempotency?.transaction.tx ?? db;
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

/**
 * Keys whose requests are running on a database handle, across every server sharing it: a retry
 * is refused at once rather than queued behind the first one's transaction (which PGlite's single
 * connection would otherwise do). Across processes the advisory lock decides; this only answers
 * sooner.
 */
const runningKeys = new WeakMap<Database, Set<string>>();
function runningKeysOf(db: Database): Set<string> {
  let keys = runningKeys.get(db);
  if (!keys) runningKeys.set(db, (keys = new Set()));
  return keys;
}

const SAVEPOINT = sql.raw('savepoint idempotent_request');
const ROLLBACK_TO_SAVEPOINT = sql.raw('rollback to savepoint idempotent_request');

/**
 * Idempotency-Key on every POST, REST and tRPC alike. The request runs inside one transaction that
 * first takes the key's lock and then, once the answer is known, stores the answer beside the
 * request's own writes: a crash at any point either commits both (a retry replays the answer) or
 * neither (a retry runs as new). A request that is still running holds the lock, however long it
 * takes, so a concurrent retry is told `idempotency_key_in_use`. 5xx answers are not stored, and
 * the writes of a request that failed on our side are rolled back with them.
 */
export const idempotencyPlugin = fp<{ db: Database; faults?: IdempotencyFaults | undefined }>(
  (app, { db, faults }, done) => {
    const running = runningKeysOf(db);

    const refuse = (request: FastifyRequest, reply: FastifyReply, code: 'reused' | 'in_use') =>
      replyWithError(
        request,
        reply,
        code === 'reused'
          ? apiErrorOf(
              'idempotency_key_reused',
              'This Idempotency-Key was used with another request; use a new key for a new request.',
            )
          : apiErrorOf(
              'idempotency_key_in_use',
              'A request with this Idempotency-Key is still running; retry when it has finished.',
            ),
      );

    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (request.method !== 'POST' || key === undefined || !request.auth) return;
      if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
        const error = apiErrorOf(
          'idempotency_key_invalid',
          `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters.`,
        );
        return replyWithError(request, reply, error);
      }
      const scope = { accountId: request.auth.accountId, livemode: request.auth.livemode };
      const runningKey = `${scope.accountId}:${scope.livemode}:${key}`;
      if (running.has(runningKey)) return refuse(request, reply, 'in_use');
      running.add(runningKey);
      const release = () => running.delete(runningKey);

      let transaction: OpenTransaction | undefined;
      try {
        transaction = await openTransaction(db);
        const hash = requestHash(request);
        if (!(await lockIdempotencyKey(transaction.tx, scope, key))) {
          await transaction.rollback();
          release();
          return refuse(request, reply, 'in_use');
        }
        const answered = await findIdempotentAnswer(transaction.tx, scope, key);
        if (answered) {
          await transaction.rollback();
          release();
          if (answered.requestHash !== hash) return refuse(request, reply, 'reused');
          return reply
            .code(answered.status)
            .header('content-type', 'application/json; charset=utf-8')
            .header('idempotent-replayed', 'true')
            .send(answered.body);
        }
        await transaction.tx.execute(SAVEPOINT);
        request.idempotency = { scope, key, requestHash: hash, transaction, release };
        await faults?.('claimed');
      } catch (error) {
        request.idempotency = undefined;
        await transaction?.rollback();
        release();
        throw error;
      }
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const run = request.idempotency;
      if (!run) return payload;
      request.idempotency = undefined;
      const { transaction } = run;
      try {
        if (reply.statusCode >= 500 || typeof payload !== 'string') {
          await transaction.rollback();
          return payload;
        }
        // A refused request keeps none of its writes; its answer is still stored and replayed.
        if (reply.statusCode >= 400) await transaction.tx.execute(ROLLBACK_TO_SAVEPOINT);
        await faults?.('answering');
        await storeIdempotentAnswer(transaction.tx, run.scope, run.key, {
          requestHash: run.requestHash,
          status: reply.statusCode,
          body: payload,
        });
        await faults?.('stored');
        await transaction.commit();
        await faults?.('committed');
        return payload;
      } catch (error) {
        await transaction.rollback();
        throw error;
      } finally {
        run.release();
      }
    });

    // A client that goes away mid-request does not stop it: it finishes and its answer is kept
    // for the retry. Only a request that somehow ended without passing onSend is rolled back.
    app.addHook('onResponse', async (request) => {
      const run = request.idempotency;
      if (!run) return;
      request.idempotency = undefined;
      await run.transaction.rollback();
      run.release();
    });
    done();
  },
  { name: 'idempotency', dependencies: ['authentication'] },
);
