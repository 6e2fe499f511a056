import { z } from 'zod';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import { hasControlCharacters, isWellFormedText } from '../common/text.js';
import { EVENT_TYPES, ALL_EVENTS } from '../events/types.js';
import { ObjectIdSchema } from '../ids.js';
import { webhookUrlProblem } from './addresses.js';

/** Stripe's limit: enough for every system a merchant feeds, few enough to fan out per change. */
export const MAX_WEBHOOK_ENDPOINTS = 16;
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 500;
/** Response bodies are kept to this many bytes in the delivery log. */
export const RESPONSE_EXCERPT_MAX_BYTES = 2048;

export const WEBHOOK_ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export const WEBHOOK_DISABLED_REASONS = ['requested', 'failing', 'gone'] as const;

export const WebhookEndpointIdSchema = ObjectIdSchema.describe('The webhook endpoint’s id.').meta({
  example: 'we_9kLm2Qx7VbT0cVhYkR8sWn1C',
});

/**
 * The URL as typed, whatever the environment: an http(s) URL with no credentials. Live mode's
 * stricter rules (https, a public address after DNS) are checked where the environment is known.
 */
const WebhookUrlSchema = z
  .string()
  .trim()
  .min(1)
  .refine((url) => !hasControlCharacters(url) && isWellFormedText(url), 'Not a URL.')
  .superRefine((url, ctx) => {
    const problem = webhookUrlProblem(url, false);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    'Where events are POSTed. Live mode: https, and a host that resolves to public addresses only. Test mode also allows http and loopback (`http://127.0.0.1:4242/webhooks`).',
  )
  .meta({ example: 'https://example.com/webhooks/peasswap' });

const EnabledEventSchema = z.enum([ALL_EVENTS, ...EVENT_TYPES]);

const EnabledEventsSchema = z
  .array(EnabledEventSchema)
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .refine(
    (types) => !types.includes(ALL_EVENTS) || types.length === 1,
    '`*` already means every event: send it alone.',
  )
  .transform((types) => [...new Set(types)])
  .describe('The event types sent to it, or `["*"]` for every one.')
  .meta({ example: ['customer.created', 'payment.succeeded'] });

const DescriptionSchema = z
  .string()
  .trim()
  .max(WEBHOOK_DESCRIPTION_MAX_LENGTH)
  .refine(isWellFormedText, 'Cannot contain lone UTF-16 surrogates.')
  .refine((text) => !text.includes('\u0000'), 'Cannot contain NUL characters.')
  .describe('What the endpoint is for, for your own reference.');

export const WebhookEndpointCreateSchema = z.strictObject({
  url: WebhookUrlSchema,
  enabledEvents: EnabledEventsSchema,
  description: DescriptionSchema.nullish(),
});
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreateSchema>;

export const WebhookEndpointUpdateSchema = z.strictObject({
  id: WebhookEndpointIdSchema,
  url: WebhookUrlSchema.optional(),
  enabledEvents: EnabledEventsSchema.optional(),
  description: DescriptionSchema.nullable().optional().describe('`null` removes it.'),
  status: z
    .enum(WEBHOOK_ENDPOINT_STATUSES)
    .optional()
    .describe('`disabled` stops deliveries; `enabled` resumes them (and clears a failing streak).'),
});
export type WebhookEndpointUpdate = z.infer<typeof WebhookEndpointUpdateSchema>;

export const WebhookEndpointIdInputSchema = z.strictObject({ id: WebhookEndpointIdSchema });

export const WebhookEndpointListQuerySchema = ListParamsSchema.superRefine(refineOneCursor);
export type WebhookEndpointListQuery = z.infer<typeof WebhookEndpointListQuerySchema>;

export const WebhookEndpointSchema = z
  .object({
    id: WebhookEndpointIdSchema,
    object: z
      .literal('webhook_endpoint')
      .describe('The kind of object: always `webhook_endpoint`.'),
    url: z.string().describe('Where events are POSTed.'),
    enabledEvents: z.array(z.string()).describe('The event types sent, or `["*"]`.'),
    description: z.string().nullable().describe('Free text, or null.'),
    status: z.enum(WEBHOOK_ENDPOINT_STATUSES).describe('`enabled` or `disabled`.'),
    disabledReason: z
      .enum(WEBHOOK_DISABLED_REASONS)
      .nullable()
      .describe(
        'Why it is disabled: `requested` (by you), `failing` (every delivery failed for 3 days) or `gone` (it answered 410); null while enabled.',
      ),
    disabledAt: IsoTimestampSchema.nullable().describe('When it was disabled; null while enabled.'),
    secret: z
      .string()
      .optional()
      .describe(
        'The signing secret (`whsec_...`): only in the answers to creating the endpoint and rolling its secret.',
      ),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    createdAt: IsoTimestampSchema.describe('When the endpoint was created.'),
    updatedAt: IsoTimestampSchema.describe('When it last changed.'),
  })
  .meta({ id: 'WebhookEndpoint', description: 'A URL that receives events, signed.' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const WebhookEndpointListSchema = listSchema(WebhookEndpointSchema).meta({
  id: 'WebhookEndpointList',
});

export const DeletedWebhookEndpointSchema = z
  .object({
    id: WebhookEndpointIdSchema,
    object: z
      .literal('webhook_endpoint')
      .describe('The kind of object: always `webhook_endpoint`.'),
    deleted: z.literal(true).describe('Always true: the endpoint is deleted.'),
  })
  .meta({ id: 'DeletedWebhookEndpoint' });

export const WebhookDeliveryListQuerySchema = ListParamsSchema.extend({
  id: WebhookEndpointIdSchema,
  event: ObjectIdSchema.optional().describe('Only the attempts to deliver this event.'),
}).superRefine(refineOneCursor);
export type WebhookDeliveryListQuery = z.infer<typeof WebhookDeliveryListQuerySchema>;

/** One try at delivering one event to one endpoint: the delivery log's line. */
export const WebhookDeliverySchema = z
  .object({
    id: ObjectIdSchema.describe('The attempt’s id.'),
    object: z
      .literal('webhook_delivery')
      .describe('The kind of object: always `webhook_delivery`.'),
    endpoint: z.string().describe('The endpoint it was sent to.'),
    event: z.string().describe('The event sent (its id is the `webhook-id` header).'),
    eventType: z.string().describe('The event’s type.'),
    attempt: z.number().int().describe('1 for the first try of this delivery, then 2, 3, ...'),
    succeeded: z.boolean().describe('Whether the endpoint answered 2xx within 10 s.'),
    statusCode: z
      .number()
      .int()
      .nullable()
      .describe('The HTTP status answered; null when there was no answer.'),
    error: z
      .string()
      .nullable()
      .describe(
        'Why there was no answer: `timeout`, `connection_failed`, `address_refused` (not a public address), `dns_failed`.',
      ),
    durationMs: z.number().int().describe('From sending to the answer (or giving up), in ms.'),
    responseExcerpt: z.string().nullable().describe('The first 2 KiB of the answer’s body.'),
    nextRetryAt: IsoTimestampSchema.nullable().describe(
      'When it is tried again after this failure; null after a success or the last try.',
    ),
    createdAt: IsoTimestampSchema.describe('When this attempt was made.'),
  })
  .meta({ id: 'WebhookDelivery', description: 'One attempt to deliver an event to an endpoint.' });
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryListSchema = listSchema(WebhookDeliverySchema).meta({
  id: 'WebhookDeliveryList',
});
