import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { WEBHOOK_DELIVERIES_CHANNEL } from '../events/outbox.js';
import type { Scope } from './scope.js';

/**
 * Queue `eventId` for delivery to `endpointIds` now, as deliveries of their own (`redelivery`,
 * `test`) with a fresh retry schedule, in the caller's transaction; the workers are woken at
 * commit. Both the event and the endpoints must be in `scope` (the caller has checked them).
 */
export async function queueDeliveries(
  db: Executor,
  scope: Scope,
  delivery: { eventId: string; endpointIds: readonly string[]; origin: 'redelivery' | 'test' },
): Promise<void> {
  if (delivery.endpointIds.length === 0) return;
  const endpoints = sql.join(
    delivery.endpointIds.map((id) => sql`${id}`),
    sql`, `,
  );
  await db.execute(sql`
    with queued as (
      insert into webhook_deliveries
        (account_id, livemode, event_id, endpoint_id, origin, status, next_attempt_at)
      select ${scope.accountId}, ${scope.livemode}, ${delivery.eventId}, endpoint.id,
        ${delivery.origin}, 'pending', now()
      from webhook_endpoints endpoint
      where endpoint.id in (${endpoints})
        and endpoint.account_id = ${scope.accountId} and endpoint.livemode = ${scope.livemode}
      returning 1
    )
    select pg_notify(${WEBHOOK_DELIVERIES_CHANNEL}, '') from (select 1 from queued limit 1) as any_queued
  `);
}
