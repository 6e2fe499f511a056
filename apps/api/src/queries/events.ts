import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import {
  DomainError,
  eventTypesMatching,
  isSubscribed,
  type Event,
  type EventListQuery,
  type EventType,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { events, webhookEndpoints } from '../db/schema/index.js';
import { assertCursorExists, endOfMillisecond, keysetFor, toPage } from './pagination.js';
import { inScope, type Scope } from './scope.js';
import { queueDeliveries } from './webhook-deliveries.js';
// webhook-endpoints.ts imports this file too; only functions cross, called after both load.
import { webhookEndpointDisabled, webhookEndpointMissing } from './webhook-endpoints.js';

type EventRow = typeof events.$inferSelect;

/** An event as answered and as delivered: the same JSON in both places. */
export function toEvent(row: EventRow): Event {
  return {
    id: row.id,
    object: 'event',
    type: row.type as EventType,
    createdAt: row.createdAt.toISOString(),
    livemode: row.livemode,
    data: row.data,
    request: { id: row.requestId, idempotencyKey: row.idempotencyKey },
  };
}

export function eventMissing(id: string): DomainError {
  return new DomainError('resource_missing', `No such event: '${id}'.`, { param: 'id' });
}

export async function retrieveEvent(db: Executor, scope: Scope, id: string): Promise<Event> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, id), inScope(events, scope)));
  if (!row) throw eventMissing(id);
  return toEvent(row);
}

/**
 * Newest first, keyset-paginated, served by one index per filter: (scope, created), (scope, type,
 * created), (scope, customer, created). A `customer.*` filter is a short IN list on the type index.
 */
export async function listEvents(db: Executor, scope: Scope, params: EventListQuery) {
  const keyset = keysetFor(events, scope, params);
  const types = params.type !== undefined ? eventTypesMatching(params.type) : undefined;
  const rows = await db
    .select()
    .from(events)
    .where(
      and(
        inScope(events, scope),
        keyset.where,
        types === undefined
          ? undefined
          : types.length === 1
            ? eq(events.type, types[0] as string)
            : inArray(events.type, types),
        params.customer !== undefined ? eq(events.customerId, params.customer) : undefined,
        params.createdGte !== undefined
          ? gte(events.createdAt, new Date(params.createdGte))
          : undefined,
        params.createdLte !== undefined
          ? lt(events.createdAt, endOfMillisecond(params.createdLte))
          : undefined,
      ),
    )
    .orderBy(...keyset.orderBy)
    .limit(params.limit + 1);
  if (rows.length === 0) await assertCursorExists(db, events, scope, params);
  const page = toPage(rows, params.limit, keyset.reversed);
  return { data: page.data.map(toEvent), hasMore: page.hasMore };
}

/**
 * Send an event again: to one endpoint (any of the scope's, even one not subscribed to the type),
 * or to every enabled endpoint subscribed to it now. Each is a new delivery with a fresh retry
 * schedule; the earlier deliveries and their log stay as they were.
 */
export async function redeliverEvent(
  db: Executor,
  scope: Scope,
  id: string,
  endpointId: string | undefined,
): Promise<Event> {
  return db.transaction(async (tx) => {
    const event = await retrieveEvent(tx, scope, id);
    const endpoints = await tx
      .select({
        id: webhookEndpoints.id,
        status: webhookEndpoints.status,
        enabledEvents: webhookEndpoints.enabledEvents,
      })
      .from(webhookEndpoints)
      .where(
        and(
          inScope(webhookEndpoints, scope),
          endpointId !== undefined ? eq(webhookEndpoints.id, endpointId) : undefined,
        ),
      );
    let targets: string[];
    if (endpointId !== undefined) {
      const [endpoint] = endpoints;
      if (!endpoint) throw webhookEndpointMissing(endpointId, 'endpoint');
      if (endpoint.status !== 'enabled') throw webhookEndpointDisabled(endpointId, 'endpoint');
      targets = [endpoint.id];
    } else {
      targets = endpoints
        .filter((e) => e.status === 'enabled' && isSubscribed(e.enabledEvents, event.type))
        .map((e) => e.id);
    }
    await queueDeliveries(tx, scope, {
      eventId: event.id,
      endpointIds: targets,
      origin: 'redelivery',
    });
    return event;
  });
}

/** Events are kept 30 days (SPEC §7); their deliveries and delivery log go with them. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export async function purgeExpiredEvents(db: Executor, now: Date, batchSize = 5000) {
  const cutoff = new Date(now.getTime() - EVENT_RETENTION_MS);
  let purged = 0;
  // In batches, so a backlog never becomes one long transaction holding millions of row locks.
  for (;;) {
    // By the whole key (account_id, id): the purge spans every account.
    const batch = db
      .select({ accountId: events.accountId, id: events.id })
      .from(events)
      .where(lt(events.createdAt, cutoff))
      .limit(batchSize);
    const removed = await db
      .delete(events)
      .where(sql`(${events.accountId}, ${events.id}) in ${batch}`)
      .returning({ id: events.id });
    purged += removed.length;
    if (removed.length < batchSize) return purged;
  }
}
