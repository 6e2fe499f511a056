import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { endpointAfterAttempt, newId, nextRetryAt } from '@peasswap/domain';
import { rowsOf, type Executor } from '../db/client.js';
import {
  events,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
} from '../db/schema/index.js';
import { toEvent } from '../queries/events.js';
import type { Scope } from '../queries/scope.js';
import type { HostResolver } from './destinations.js';
import {
  sendWebhook,
  type SendOutcome,
  type WebhookMessage,
  type WebhookTarget,
} from './sender.js';

export interface DeliveryOptions {
  /** The time the pass acts as if it were: what is due, the retry schedule, the log's times. */
  at: Date;
  /** DNS for the destination check (tests answer their own). */
  resolve?: HostResolver | undefined;
  /** How long a claimed delivery is left to its claimer before anyone may take it again. */
  leaseMs?: number | undefined;
  /** At most this many deliveries per pass; a full pass means more may be waiting. */
  batchSize?: number | undefined;
  /** Requests in flight at once. */
  concurrency?: number | undefined;
  /** One account and environment (tests); every one when absent. */
  scope?: Scope | undefined;
  /** Tests only: a shorter limit than the 10 s a receiver has to answer. */
  timeoutMs?: number | undefined;
}

export type DeliveryRun = {
  object: 'webhook_delivery_run';
  at: string;
  /** Deliveries taken off the queue by this pass. */
  claimed: number;
  delivered: number;
  /** Failed for good: the 3 days of retries are over. */
  failed: number;
  /** Failed this time, to be tried again. */
  retrying: number;
};

/** Longer than any attempt (10 s) plus the wait for a free slot, with room to spare. */
export const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_CONCURRENCY = 10;

interface Claimed {
  id: number;
  accountId: string;
  livemode: boolean;
  eventId: string;
  endpointId: string;
  attemptCount: number;
  createdAt: Date;
}

interface Job {
  delivery: Claimed;
  eventType: string;
  message: WebhookMessage;
  target: WebhookTarget;
}

/**
 * One delivery pass: what is due is sent, at least once, in three steps that any number of
 * processes may run at once and a crash may interrupt anywhere:
 *
 * 1. Claim due deliveries (`FOR UPDATE SKIP LOCKED` on the due index) in one short statement that
 *    moves each a lease ahead. A claimer that dies leaves them to be taken again when it ends.
 * 2. Send each, outside any transaction, `concurrency` at a time. Claims are made as slots free
 *    up, `concurrency` at a time, so a claimed delivery is sent well within its lease.
 * 3. Record each attempt in one transaction: the log line, the delivery's next state (guarded by
 *    its attempt count, so a claimer whose lease ran out cannot record an attempt twice) and the
 *    endpoint's health.
 */
export async function deliverDueWebhooks(
  db: Executor,
  options: DeliveryOptions,
): Promise<DeliveryRun> {
  const run: DeliveryRun = {
    object: 'webhook_delivery_run',
    at: options.at.toISOString(),
    claimed: 0,
    delivered: 0,
    failed: 0,
    retrying: 0,
  };
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const queue: Job[] = [];
  let exhausted = false;
  let refill: Promise<void> | undefined;
  const errors: unknown[] = [];

  const claimMore = async () => {
    const limit = Math.min(concurrency, batchSize - run.claimed);
    const claimed = limit > 0 ? await claimDue(db, options, limit) : [];
    run.claimed += claimed.length;
    if (claimed.length < limit || limit <= 0) exhausted = true;
    queue.push(...(await prepare(db, claimed, options.at)));
  };
  const take = async (): Promise<Job | undefined> => {
    while (queue.length === 0 && !exhausted) {
      refill ??= claimMore().finally(() => (refill = undefined));
      await refill;
    }
    return queue.shift();
  };
  const worker = async () => {
    try {
      for (let job = await take(); job; job = await take()) {
        const outcome = await sendWebhook(job.target, job.message, {
          resolve: options.resolve,
          timeoutMs: options.timeoutMs,
        });
        const next = await recordAttempt(db, job, outcome, options.at);
        if (next) run[next] += 1;
      }
    } catch (error) {
      // The database failed us: stop claiming; what was claimed is retried when its lease ends.
      exhausted = true;
      errors.push(error);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (errors.length > 0) throw errors[0];
  return run;
}

async function claimDue(db: Executor, options: DeliveryOptions, limit: number) {
  // The lease runs from the claim on the wall clock too, so a pass driven by a past `at` (or a
  // long one) does not hand out leases that have already ended.
  const leaseEnd = new Date(
    Math.max(options.at.getTime(), Date.now()) + (options.leaseMs ?? DEFAULT_LEASE_MS),
  );
  const scope = options.scope
    ? sql`and d.account_id = ${options.scope.accountId} and d.livemode = ${options.scope.livemode}`
    : sql``;
  const rows = rowsOf<{
    id: number | string;
    account_id: string;
    livemode: boolean;
    event_id: string;
    endpoint_id: string;
    attempt_count: number;
    created_at: Date | string;
  }>(
    await db.execute(sql`
      with due as (
        select d.account_id, d.id from webhook_deliveries d
        join webhook_endpoints e
          on e.account_id = d.account_id and e.id = d.endpoint_id and e.status = 'enabled'
        where d.status = 'pending' and d.next_attempt_at <= ${options.at.toISOString()}::timestamptz ${scope}
        order by d.next_attempt_at
        limit ${limit}
        for update of d skip locked
      )
      update webhook_deliveries d
      set next_attempt_at = ${leaseEnd.toISOString()}::timestamptz, updated_at = now()
      from due where d.account_id = due.account_id and d.id = due.id
      returning d.id, d.account_id, d.livemode, d.event_id, d.endpoint_id, d.attempt_count,
        d.created_at
    `),
  );
  return rows.map((row): Claimed => ({
    id: Number(row.id),
    accountId: row.account_id,
    livemode: row.livemode,
    eventId: row.event_id,
    endpointId: row.endpoint_id,
    attemptCount: row.attempt_count,
    createdAt: new Date(row.created_at),
  }));
}

/**
 * The claimed deliveries with what to send and where. One deleted since (its event purged, its
 * endpoint deleted or disabled) is left alone: a deleted one took its delivery with it, and a
 * disabled one's waits, unclaimed, until it is enabled again.
 */
async function prepare(db: Executor, claimed: Claimed[], at: Date): Promise<Job[]> {
  if (claimed.length === 0) return [];
  // Keys lead with account_id: naming the claimed accounts lets each lookup use them.
  const accountIds = [...new Set(claimed.map((d) => d.accountId))];
  const eventRows = await db
    .select()
    .from(events)
    .where(
      and(
        inArray(events.accountId, accountIds),
        inArray(events.id, [...new Set(claimed.map((d) => d.eventId))]),
      ),
    );
  const endpointRows = await db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      livemode: webhookEndpoints.livemode,
      secret: webhookEndpoints.secret,
      previousSecret: webhookEndpoints.previousSecret,
      previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
    })
    .from(webhookEndpoints)
    .where(
      and(
        inArray(webhookEndpoints.accountId, accountIds),
        inArray(webhookEndpoints.id, [...new Set(claimed.map((d) => d.endpointId))]),
        eq(webhookEndpoints.status, 'enabled'),
      ),
    );
  const eventsById = new Map(eventRows.map((row) => [row.id, row]));
  const endpointsById = new Map(endpointRows.map((row) => [row.id, row]));
  const bodies = new Map<string, string>();
  const jobs: Job[] = [];
  for (const delivery of claimed) {
    const event = eventsById.get(delivery.eventId);
    const endpoint = endpointsById.get(delivery.endpointId);
    if (!event || !endpoint) continue;
    let body = bodies.get(event.id);
    if (body === undefined) {
      body = JSON.stringify(toEvent(event));
      bodies.set(event.id, body);
    }
    const rolled =
      endpoint.previousSecret !== null &&
      endpoint.previousSecretExpiresAt !== null &&
      endpoint.previousSecretExpiresAt > at;
    jobs.push({
      delivery,
      eventType: event.type,
      message: { id: event.id, body },
      target: {
        url: endpoint.url,
        livemode: endpoint.livemode,
        secrets:
          rolled && endpoint.previousSecret
            ? [endpoint.secret, endpoint.previousSecret]
            : [endpoint.secret],
      },
    });
  }
  return jobs;
}

/** Thrown to roll an attempt's transaction back when another claimer recorded it first. */
class AlreadyRecorded extends Error {}

/**
 * Record one attempt, in one transaction: its delivery moves on (delivered, retried at the next
 * time of the schedule, or failed for good), its log line is written, and its endpoint's failing
 * streak is cleared, extended or ends in disabling it. Answers what became of the delivery, or
 * nothing when it was recorded by another claimer or deleted meanwhile.
 */
async function recordAttempt(
  db: Executor,
  job: Job,
  outcome: SendOutcome,
  at: Date,
): Promise<'delivered' | 'retrying' | 'failed' | undefined> {
  const { delivery } = job;
  const attempt = delivery.attemptCount + 1;
  const retryAt = outcome.succeeded ? null : nextRetryAt(delivery.createdAt, attempt, at);
  const status = outcome.succeeded ? 'succeeded' : retryAt ? 'pending' : 'failed';
  try {
    await db.transaction(async (tx) => {
      const moved = await tx
        .update(webhookDeliveries)
        .set({
          status,
          attemptCount: attempt,
          nextAttemptAt: retryAt,
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(webhookDeliveries.accountId, delivery.accountId),
            eq(webhookDeliveries.id, delivery.id),
            eq(webhookDeliveries.attemptCount, delivery.attemptCount),
          ),
        )
        .returning({ id: webhookDeliveries.id });
      if (moved.length === 0) throw new AlreadyRecorded();
      const inserted = await tx
        .insert(webhookDeliveryAttempts)
        .values({
          id: newId('webhookDelivery'),
          accountId: delivery.accountId,
          livemode: delivery.livemode,
          deliveryId: delivery.id,
          endpointId: delivery.endpointId,
          eventId: delivery.eventId,
          eventType: job.eventType,
          attempt,
          succeeded: outcome.succeeded,
          statusCode: outcome.statusCode,
          error: outcome.error,
          durationMs: outcome.durationMs,
          responseExcerpt: outcome.responseExcerpt,
          nextRetryAt: retryAt,
          createdAt: at,
        })
        .onConflictDoNothing()
        .returning({ id: webhookDeliveryAttempts.id });
      if (inserted.length === 0) throw new AlreadyRecorded();
      await updateEndpointHealth(tx, delivery, outcome, at);
    });
  } catch (error) {
    if (error instanceof AlreadyRecorded) return undefined;
    throw error;
  }
  return status === 'succeeded' ? 'delivered' : status === 'pending' ? 'retrying' : 'failed';
}

/** The endpoint after an attempt (see endpointAfterAttempt): healthy, failing, or disabled. */
async function updateEndpointHealth(
  tx: Executor,
  delivery: Pick<Claimed, 'accountId' | 'endpointId'>,
  outcome: SendOutcome,
  at: Date,
): Promise<void> {
  const endpoint = and(
    eq(webhookEndpoints.accountId, delivery.accountId),
    eq(webhookEndpoints.id, delivery.endpointId),
  );
  if (outcome.succeeded) {
    // Most attempts succeed to a healthy endpoint: no write, and no lock, for those.
    await tx
      .update(webhookEndpoints)
      .set({ failingSince: null, updatedAt: sql`now()` })
      .where(and(endpoint, isNotNull(webhookEndpoints.failingSince)));
    return;
  }
  const [health] = await tx
    .select({ failingSince: webhookEndpoints.failingSince, status: webhookEndpoints.status })
    .from(webhookEndpoints)
    .where(endpoint)
    .for('update');
  if (!health || health.status !== 'enabled') return;
  const next = endpointAfterAttempt(
    { failingSince: health.failingSince },
    { succeeded: false, statusCode: outcome.statusCode, at },
  );
  if (!next.disable && next.failingSince?.getTime() === health.failingSince?.getTime()) return;
  await tx
    .update(webhookEndpoints)
    .set({
      failingSince: next.failingSince,
      updatedAt: sql`now()`,
      ...(next.disable && { status: 'disabled', disabledReason: next.disable, disabledAt: at }),
    })
    .where(endpoint);
}
