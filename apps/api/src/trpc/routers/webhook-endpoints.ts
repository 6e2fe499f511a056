import {
  DeletedWebhookEndpointSchema,
  DomainError,
  EventSchema,
  newWebhookSecret,
  WebhookDeliveryListQuerySchema,
  WebhookDeliveryListSchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointIdInputSchema,
  WebhookEndpointListQuerySchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointUpdateSchema,
} from '@peasswap/domain';
import {
  deleteWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  retrieveWebhookEndpoint,
  rollWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from '../../queries/webhook-endpoints.js';
import { checkDestination, type HostResolver } from '../../webhooks/destinations.js';
import { procedureWith, router } from '../init.js';

const tags = ['Webhook endpoints'];

/**
 * The SSRF guard at the door: a URL this environment may not send to (live: https, and every
 * address its host resolves to public) is refused before anything is stored. Delivery checks
 * again, since DNS can change its answer.
 */
async function assertDestination(url: string, livemode: boolean, resolve: HostResolver) {
  const destination = await checkDestination(url, livemode, resolve);
  if (!destination.ok) {
    throw new DomainError('parameter_invalid', `Invalid url: ${destination.message}`, {
      param: 'url',
    });
  }
}

export const webhookEndpointsRouter = router({
  create: procedureWith('webhooks:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/webhook_endpoints',
        tags,
        summary: 'Create a webhook endpoint',
        description: `The answer carries the signing \`secret\`: the only time it is shown, apart from rolling it. Live mode wants an https URL whose host resolves to public addresses only; at most 16 endpoints per environment.`,
      },
    })
    .input(WebhookEndpointCreateSchema)
    .output(WebhookEndpointSchema)
    .mutation(async ({ ctx, input }) => {
      await assertDestination(input.url, ctx.scope.livemode, ctx.resolveHost);
      return insertWebhookEndpoint(ctx.db, ctx.scope, input, newWebhookSecret(), ctx.outbox);
    }),

  list: procedureWith('webhooks:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/webhook_endpoints',
        tags,
        summary: 'List webhook endpoints',
        description: 'Newest first, cursor-paginated. Secrets are never listed.',
      },
    })
    .input(WebhookEndpointListQuerySchema)
    .output(WebhookEndpointListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listWebhookEndpoints(ctx.readDb, ctx.scope, input)),
      url: '/v1/webhook_endpoints',
    })),

  retrieve: procedureWith('webhooks:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/webhook_endpoints/{id}',
        tags,
        summary: 'Retrieve a webhook endpoint',
        description: 'Without its secret: roll it for a new one if it was lost.',
      },
    })
    .input(WebhookEndpointIdInputSchema)
    .output(WebhookEndpointSchema)
    .query(({ ctx, input }) => retrieveWebhookEndpoint(ctx.db, ctx.scope, input.id)),

  update: procedureWith('webhooks:write')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/v1/webhook_endpoints/{id}',
        tags,
        summary: 'Update a webhook endpoint',
        description:
          'Only the fields sent change. A new URL is checked like a new endpoint’s. `status: disabled` stops deliveries (`disabledReason: requested`); `enabled` resumes them.',
      },
    })
    .input(WebhookEndpointUpdateSchema)
    .output(WebhookEndpointSchema)
    .mutation(async ({ ctx, input }) => {
      if (input.url !== undefined) {
        await assertDestination(input.url, ctx.scope.livemode, ctx.resolveHost);
      }
      return updateWebhookEndpoint(ctx.db, ctx.scope, input, ctx.outbox);
    }),

  delete: procedureWith('webhooks:write')
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/v1/webhook_endpoints/{id}',
        tags,
        summary: 'Delete a webhook endpoint',
        description: 'It receives nothing more; its pending deliveries and its log are deleted.',
      },
    })
    .input(WebhookEndpointIdInputSchema)
    .output(DeletedWebhookEndpointSchema)
    .mutation(({ ctx, input }) => deleteWebhookEndpoint(ctx.db, ctx.scope, input.id, ctx.outbox)),

  rollSecret: procedureWith('webhooks:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/webhook_endpoints/{id}/roll_secret',
        tags,
        summary: 'Roll a webhook endpoint’s signing secret',
        description:
          'Answers the endpoint with its new `secret`. For 24 hours deliveries are signed with both the old and the new secret, so receivers can switch over.',
      },
    })
    .input(WebhookEndpointIdInputSchema)
    .output(WebhookEndpointSchema)
    .mutation(({ ctx, input }) =>
      rollWebhookSecret(ctx.db, ctx.scope, input.id, newWebhookSecret(), new Date(), ctx.outbox),
    ),

  deliveries: procedureWith('webhooks:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/webhook_endpoints/{id}/deliveries',
        tags,
        summary: 'List a webhook endpoint’s delivery attempts',
        description:
          'The delivery log: every attempt to send an event to this endpoint, newest first, cursor-paginated; `event=` keeps one event’s attempts.',
      },
    })
    .input(WebhookDeliveryListQuerySchema)
    .output(WebhookDeliveryListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listWebhookDeliveries(ctx.readDb, ctx.scope, input)),
      url: `/v1/webhook_endpoints/${input.id}/deliveries`,
    })),

  sendTestEvent: procedureWith('webhooks:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/webhook_endpoints/{id}/test_event',
        tags,
        summary: 'Send a test event to a webhook endpoint',
        description:
          'Records a `webhook_endpoint.test` event about the endpoint and sends it to this endpoint only, whatever it subscribes to; its delivery shows in the log. Answers the event.',
      },
    })
    .input(WebhookEndpointIdInputSchema)
    .output(EventSchema)
    .mutation(({ ctx, input }) => sendTestEvent(ctx.db, ctx.scope, input.id, ctx.outbox)),
});
