import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { CardHashing } from '../../crypto/card-hashing.js';
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
import { addRouteHooks, routeAnswers } from './route-hooks.js';

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The card fields whose values never enter a request's hash: only their keyed digests do. */
const CARD_SECRETS = ['number', 'cvc'];

async function withoutCardSecrets(
  input: Record<string, unknown>,
  hashing: CardHashing,
): Promise<Record<string, unknown>> {
  const { card } = input;
  if (!isObject(card) || !CARD_SECRETS.some((field) => Object.hasOwn(card, field))) return input;
  const masked = { ...card };
  for (const field of CARD_SECRETS) {
    if (Object.hasOwn(card, field)) {
      const digest = await hashing.requestFieldDigest(canonicalJson(card[field]));
      setOwn(masked, field, `hmac-sha256:${digest}`);
    }
  }
  return { ...input, card: masked };
}

/**
 * What a retry must match: method, URL and body. A card's number and CVC are replaced by keyed
 * digests first, so no hash of them rests in the table (a plain hash of a body holding a card
 * number is as good as the number: the rest of the body is known, the numbers few enough to try),
 * while a retry with the same card still matches and another card does not. A tRPC batch carries
 * one input per call under "0", "1", ...: each is treated the same way.
 */
async function requestHash(request: FastifyRequest, hashing: CardHashing): Promise<string> {
  const raw: unknown = request.body ?? null;
  let body = raw;
  if (isObject(raw)) {
    const masked: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(await withoutCardSecrets(raw, hashing))) {
      setOwn(masked, key, isObject(value) ? await withoutCardSecrets(value, hashing) : value);
    }
    body = masked;
  }
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(body)}`)
    .digest('hex');
}

/** An own property even for `__proto__`, as JSON.parse makes them. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
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
 * Idempotency-Key on every POST route, REST and tRPC alike. The request runs inside one transaction that
 * first takes the key's lock and then, once the answer is known, stores the answer beside the
 * request's own writes: a crash at any point either commits both (a retry replays the answer) or
 * neither (a retry runs as new). A request that is still running holds the lock, however long it
 * takes, so a concurrent retry is told `idempotency_key_in_use`. 5xx answers are not stored, and
 * the writes of a request that failed on our side are rolled back with them.
 */
export const idempotencyPlugin = fp<{
  db: Database;
  cardHashing: CardHashing;
  faults?: IdempotencyFaults | undefined;
}>(
  (app, { db, cardHashing, faults }, done) => {
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

    const claim = async (request: FastifyRequest, reply: FastifyReply) => {
      const key = request.headers['idempotency-key'];
      if (key === undefined || !request.auth) return;
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
        // Before the transaction: the card key may have to be read (or made) on the database,
        // which must not wait behind this request's own transaction (PGlite has one connection),
        // and the procedures that need it then find it loaded.
        await cardHashing.ready();
        const hash = await requestHash(request, cardHashing);
        transaction = await openTransaction(db);
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
    };

    const answer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
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
    };

    // A client that goes away mid-request does not stop it: it finishes and its answer is kept
    // for the retry. Only a request that somehow ended without passing onSend is rolled back.
    const abandon = async (request: FastifyRequest) => {
      const run = request.idempotency;
      if (!run) return;
      request.idempotency = undefined;
      await run.transaction.rollback();
      run.release();
    };

    // Only POSTs carry an Idempotency-Key: other routes never run these hooks.
    addRouteHooks(app, (route) => routeAnswers(route, 'POST'), {
      preHandler: claim,
      onSend: answer,
      onResponse: abandon,
    });
    done();
  },
  { name: 'idempotency', dependencies: ['authentication'] },
);
