import {
  EventIdInputSchema,
  EventListQuerySchema,
  EventListSchema,
  EventRedeliverSchema,
  EventSchema,
} from '@peasswap/domain';
import { listEvents, redeliverEvent, retrieveEvent } from '../../queries/events.js';
import { procedureWith, router } from '../init.js';

const tags = ['Events'];

export const eventsRouter = router({
  list: procedureWith('events:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/events',
        tags,
        summary: 'List events',
        description:
          'Every change, newest first, cursor-paginated, kept 30 days; filter by type (`customer.*` for every type of an object), customer and creation time.',
      },
    })
    .input(EventListQuerySchema)
    .output(EventListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listEvents(ctx.readDb, ctx.scope, input)),
      url: '/v1/events',
    })),

  retrieve: procedureWith('events:read')
    .meta({
      openapi: { method: 'GET', path: '/v1/events/{id}', tags, summary: 'Retrieve an event' },
    })
    .input(EventIdInputSchema)
    .output(EventSchema)
    .query(({ ctx, input }) => retrieveEvent(ctx.db, ctx.scope, input.id)),

  redeliver: procedureWith('webhooks:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/events/{id}/redeliver',
        tags,
        summary: 'Send an event to webhook endpoints again',
        description:
          'To `endpoint` alone (any enabled endpoint of yours), or else to every enabled endpoint subscribed to its type. Each is a new delivery, retried on the usual schedule, with the same `webhook-id`.',
      },
    })
    .input(EventRedeliverSchema)
    .output(EventSchema)
    .mutation(({ ctx, input }) => redeliverEvent(ctx.db, ctx.scope, input.id, input.endpoint)),
});
