import { and, count, eq, sql } from 'drizzle-orm';
import {
  auditDiff,
  DomainError,
  MAX_WEBHOOK_ENDPOINTS,
  newId,
  ROLLED_SECRET_OVERLAP_MS,
  TEST_EVENT_TYPE,
  type Event,
  type WebhookDelivery,
  type WebhookDeliveryListQuery,
  type WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointListQuery,
  type WebhookEndpointUpdate,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { accounts, webhookDeliveryAttempts, webhookEndpoints } from '../db/schema/index.js';
import type { Outbox } from '../events/outbox.js';
import { retrieveEvent } from './events.js';
import { assertCursorExists, keysetFor, toPage } from './pagination.js';
import { inScope, type Scope } from './scope.js';
import { queueDeliveries } from './webhook-deliveries.js';

/** What a client may see of an endpoint: never its secrets, which are answered only on purpose. */
const endpointColumns = {
  id: webhookEndpoints.id,
  livemode: webhookEndpoints.livemode,
  url: webhookEndpoints.url,
  enabledEvents: webhookEndpoints.enabledEvents,
  description: webhookEndpoints.description,
  status: webhookEndpoints.status,
  disabledReason: webhookEndpoints.disabledReason,
  disabledAt: webhookEndpoints.disabledAt,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

type EndpointRow = Pick<typeof webhookEndpoints.$inferSelect, keyof typeof endpointColumns>;

/** The endpoint as answered; `secret` only where the caller means to show it (create, roll). */
function toWebhookEndpoint(row: EndpointRow, secret?: string): WebhookEndpoint {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    url: row.url,
    enabledEvents: row.enabledEvents,
    description: row.description,
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    ...(secret !== undefined && { secret }),
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function webhookEndpointMissing(id: string, param = 'id'): DomainError {
  return new DomainError('resource_missing', `No such webhook endpoint: '${id}'.`, { param });
}

/** A disabled endpoint is sent nothing, not even on request (a test event, a redelivery). */
export function webhookEndpointDisabled(id: string, param = 'id'): DomainError {
  return new DomainError(
    'parameter_invalid',
    `Webhook endpoint '${id}' is disabled; enable it to send it events.`,
    { param },
  );
}

const byId = (scope: Scope, id: string) =>
  and(eq(webhookEndpoints.id, id), inScope(webhookEndpoints, scope));

/**
 * A new endpoint, its URL already checked by the caller. At most MAX_WEBHOOK_ENDPOINTS per account
 * and environment: creations of one account take turns on its row (a lock that does not block the
 * rows referencing it), so two at once cannot both be the 16th.
 */
export async function insertWebhookEndpoint(
  db: Executor,
  scope: Scope,
  input: WebhookEndpointCreate,
  secret: string,
  outbox: Outbox,
): Promise<WebhookEndpoint> {
  return db.transaction(async (tx) => {
    await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.id, scope.accountId))
      .for('no key update');
    const [existing] = await tx
      .select({ endpoints: count() })
      .from(webhookEndpoints)
      .where(inScope(webhookEndpoints, scope));
    if ((existing?.endpoints ?? 0) >= MAX_WEBHOOK_ENDPOINTS) {
      throw new DomainError(
        'parameter_invalid',
        `This environment already has ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints, the most it may have; delete one first.`,
      );
    }
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id: newId('webhookEndpoint'),
        ...scope,
        url: input.url,
        enabledEvents: input.enabledEvents,
        description: input.description ?? null,
        status: 'enabled',
        secret,
      })
      .returning(endpointColumns);
    if (!row) throw new Error('webhook endpoint insert returned no row');
    const endpoint = toWebhookEndpoint(row, secret);
    // The secret is named in the entry, never kept (auditDiff).
    await outbox.audit(tx, scope, [
      { action: 'webhook_endpoint.created', objectId: endpoint.id, after: endpoint },
    ]);
    return endpoint;
  });
}

export async function retrieveWebhookEndpoint(
  db: Executor,
  scope: Scope,
  id: string,
): Promise<WebhookEndpoint> {
  const [row] = await db.select(endpointColumns).from(webhookEndpoints).where(byId(scope, id));
  if (!row) throw webhookEndpointMissing(id);
  return toWebhookEndpoint(row);
}

/** The endpoint as it is before a change, locked until the change commits (its audit's before). */
async function lockEndpoint(tx: Executor, scope: Scope, id: string) {
  const [row] = await tx
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(byId(scope, id))
    .for('update');
  if (!row) throw webhookEndpointMissing(id);
  return row;
}

export async function listWebhookEndpoints(
  db: Executor,
  scope: Scope,
  params: WebhookEndpointListQuery,
) {
  const keyset = keysetFor(webhookEndpoints, scope, params);
  const rows = await db
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(and(inScope(webhookEndpoints, scope), keyset.where))
    .orderBy(...keyset.orderBy)
    .limit(params.limit + 1);
  if (rows.length === 0) await assertCursorExists(db, webhookEndpoints, scope, params);
  const page = toPage(rows, params.limit, keyset.reversed);
  return { data: page.data.map((row) => toWebhookEndpoint(row)), hasMore: page.hasMore };
}

/**
 * Only the fields sent change; the URL has been checked by the caller. `disabled` by request keeps
 * an endpoint that is already disabled as it was (its reason and time); `enabled` clears the
 * reason and the failing streak, so three more days of failures are needed to disable it again.
 */
export async function updateWebhookEndpoint(
  db: Executor,
  scope: Scope,
  { id, ...fields }: WebhookEndpointUpdate,
  outbox: Outbox,
): Promise<WebhookEndpoint> {
  const wasDisabled = sql`${webhookEndpoints.status} = 'disabled'`;
  const status =
    fields.status === 'disabled'
      ? {
          status: 'disabled' as const,
          disabledReason: sql`case when ${wasDisabled} then ${webhookEndpoints.disabledReason} else 'requested' end`,
          disabledAt: sql`case when ${wasDisabled} then ${webhookEndpoints.disabledAt} else now() end`,
        }
      : fields.status === 'enabled'
        ? { status: 'enabled' as const, disabledReason: null, disabledAt: null, failingSince: null }
        : {};
  return db.transaction(async (tx) => {
    const before = await lockEndpoint(tx, scope, id);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        ...(fields.url !== undefined && { url: fields.url }),
        ...(fields.enabledEvents !== undefined && { enabledEvents: fields.enabledEvents }),
        ...(fields.description !== undefined && { description: fields.description }),
        ...status,
        updatedAt: sql`now()`,
      })
      .where(byId(scope, id))
      .returning(endpointColumns);
    if (!row) throw webhookEndpointMissing(id);
    const after = toWebhookEndpoint(row);
    await auditEndpointChange(tx, scope, outbox, 'webhook_endpoint.updated', before, after);
    return after;
  });
}

/** An entry for a change that changed something the API shows (an update may change nothing). */
async function auditEndpointChange(
  tx: Executor,
  scope: Scope,
  outbox: Outbox,
  action: string,
  before: EndpointRow,
  after: WebhookEndpoint,
) {
  const record = { action, objectId: after.id, before: toWebhookEndpoint(before), after };
  if (auditDiff(record.before, record.after).fields.length === 0) return;
  await outbox.audit(tx, scope, [record]);
}

/** Gone for good: its deliveries and their log go with it (the foreign keys cascade). */
export async function deleteWebhookEndpoint(
  db: Executor,
  scope: Scope,
  id: string,
  outbox: Outbox,
) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(webhookEndpoints)
      .where(byId(scope, id))
      .returning(endpointColumns);
    if (!row) throw webhookEndpointMissing(id);
    await outbox.audit(tx, scope, [
      { action: 'webhook_endpoint.deleted', objectId: row.id, before: toWebhookEndpoint(row) },
    ]);
    return { id: row.id, object: 'webhook_endpoint' as const, deleted: true as const };
  });
}

/**
 * A new signing secret; the one it replaces keeps signing beside it for ROLLED_SECRET_OVERLAP_MS,
 * so receivers can switch over. (A second roll within that time retires the first secret at once.)
 */
export async function rollWebhookSecret(
  db: Executor,
  scope: Scope,
  id: string,
  secret: string,
  at: Date,
  outbox: Outbox,
): Promise<WebhookEndpoint> {
  return db.transaction(async (tx) => {
    const before = await lockEndpoint(tx, scope, id);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        // The right-hand side reads the row as it was: the previous secret is the current one.
        previousSecret: sql`${webhookEndpoints.secret}`,
        previousSecretExpiresAt: new Date(at.getTime() + ROLLED_SECRET_OVERLAP_MS),
        secret,
        updatedAt: sql`now()`,
      })
      .where(byId(scope, id))
      .returning(endpointColumns);
    if (!row) throw webhookEndpointMissing(id);
    // Before without a secret, after with the new one: the entry names `secret`, keeps neither.
    const after = toWebhookEndpoint(row, secret);
    await auditEndpointChange(tx, scope, outbox, 'webhook_endpoint.secret_rolled', before, after);
    return after;
  });
}

const attemptColumns = {
  id: webhookDeliveryAttempts.id,
  endpointId: webhookDeliveryAttempts.endpointId,
  eventId: webhookDeliveryAttempts.eventId,
  eventType: webhookDeliveryAttempts.eventType,
  attempt: webhookDeliveryAttempts.attempt,
  succeeded: webhookDeliveryAttempts.succeeded,
  statusCode: webhookDeliveryAttempts.statusCode,
  error: webhookDeliveryAttempts.error,
  durationMs: webhookDeliveryAttempts.durationMs,
  responseExcerpt: webhookDeliveryAttempts.responseExcerpt,
  nextRetryAt: webhookDeliveryAttempts.nextRetryAt,
  createdAt: webhookDeliveryAttempts.createdAt,
};

type AttemptRow = Pick<typeof webhookDeliveryAttempts.$inferSelect, keyof typeof attemptColumns>;

function toWebhookDelivery(row: AttemptRow): WebhookDelivery {
  return {
    id: row.id,
    object: 'webhook_delivery',
    endpoint: row.endpointId,
    event: row.eventId,
    eventType: row.eventType,
    attempt: row.attempt,
    succeeded: row.succeeded,
    statusCode: row.statusCode,
    error: row.error,
    durationMs: row.durationMs,
    responseExcerpt: row.responseExcerpt,
    nextRetryAt: row.nextRetryAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * An endpoint's delivery log, newest first, keyset-paginated on its (scope, endpoint, created)
 * index. An empty page is where an unknown endpoint (or cursor) shows, so only then are they
 * looked up: the common case is one query.
 */
export async function listWebhookDeliveries(
  db: Executor,
  scope: Scope,
  { id, event, ...params }: WebhookDeliveryListQuery,
) {
  const keyset = keysetFor(webhookDeliveryAttempts, scope, params);
  const rows = await db
    .select(attemptColumns)
    .from(webhookDeliveryAttempts)
    .where(
      and(
        inScope(webhookDeliveryAttempts, scope),
        eq(webhookDeliveryAttempts.endpointId, id),
        event !== undefined ? eq(webhookDeliveryAttempts.eventId, event) : undefined,
        keyset.where,
      ),
    )
    .orderBy(...keyset.orderBy)
    .limit(params.limit + 1);
  if (rows.length === 0) {
    await retrieveWebhookEndpoint(db, scope, id);
    await assertCursorExists(db, webhookDeliveryAttempts, scope, params);
  }
  const page = toPage(rows, params.limit, keyset.reversed);
  return { data: page.data.map(toWebhookDelivery), hasMore: page.hasMore };
}

/**
 * "Send test event": a `webhook_endpoint.test` event about the endpoint (without its secret),
 * recorded like any change so its delivery shows in the log, and queued to this endpoint alone
 * (the outbox's fan-out never sends the test type to anyone). A disabled endpoint is refused, as a
 * redelivery to it is: enable it first.
 */
export async function sendTestEvent(
  db: Executor,
  scope: Scope,
  id: string,
  outbox: Outbox,
): Promise<Event> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select(endpointColumns)
      .from(webhookEndpoints)
      .where(byId(scope, id))
      .for('share');
    if (!row) throw webhookEndpointMissing(id);
    if (row.status !== 'enabled') throw webhookEndpointDisabled(id);
    const [eventId] = await outbox.record(tx, scope, [
      { type: TEST_EVENT_TYPE, object: toWebhookEndpoint(row), customerId: null },
    ]);
    if (eventId === undefined) throw new Error('events are not being recorded (bench mode)');
    await queueDeliveries(tx, scope, { eventId, endpointIds: [id], origin: 'test' });
    return retrieveEvent(tx, scope, eventId);
  });
}
