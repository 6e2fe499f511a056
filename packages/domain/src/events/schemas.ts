import { z } from 'zod';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import { ObjectIdSchema } from '../ids.js';
import { ALL_EVENT_TYPES, eventTypesMatching } from './types.js';

export const EventIdSchema = ObjectIdSchema.describe('The event’s id.').meta({
  example: 'evt_7hQm2Lx9VbT0cVhYkR8sWn1B',
});

export const EventTypeSchema = z
  .enum(ALL_EVENT_TYPES)
  .describe('What happened: `customer.created`, `payment.succeeded`, ...')
  .meta({ example: 'customer.created' });

export const EventIdInputSchema = z.strictObject({ id: EventIdSchema });

export const EventListQuerySchema = ListParamsSchema.extend({
  type: z
    .string()
    .max(100)
    .refine((filter) => eventTypesMatching(filter) !== undefined, 'Not an event type.')
    .optional()
    .describe('Only events of this type, or of every type of one object: `customer.*`.')
    .meta({ example: 'customer.*' }),
  customer: ObjectIdSchema.optional().describe(
    'Only events about this customer: its own changes, and its payments’, payment methods’, subscriptions’ and schedules’.',
  ),
  createdGte: IsoTimestampSchema.optional().describe('Only events created at or after this time.'),
  createdLte: IsoTimestampSchema.optional().describe('Only events created at or before this time.'),
}).superRefine(refineOneCursor);
export type EventListQuery = z.infer<typeof EventListQuerySchema>;

export const EventSchema = z
  .object({
    id: EventIdSchema,
    object: z.literal('event').describe('The kind of object: always `event`.'),
    type: EventTypeSchema,
    createdAt: IsoTimestampSchema.describe('When the change happened (its transaction).'),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    data: z
      .object({
        object: z
          .record(z.string(), z.unknown())
          .describe('The object as the change left it, exactly as the API answers it.'),
        previousAttributes: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('On `*.updated`: the fields that changed, with their values before.'),
      })
      .describe('The object the event is about.'),
    request: z
      .object({
        id: z
          .string()
          .nullable()
          .describe('The API request that made the change; null when billing made it.'),
        idempotencyKey: z
          .string()
          .nullable()
          .describe('That request’s Idempotency-Key, if it sent one.'),
      })
      .describe('Where the change came from.'),
  })
  .meta({ id: 'Event', description: 'A change, recorded in the same transaction as the change.' });
export type Event = z.infer<typeof EventSchema>;

export const EventListSchema = listSchema(EventSchema).meta({ id: 'EventList' });

export const EventRedeliverSchema = z.strictObject({
  id: EventIdSchema,
  endpoint: ObjectIdSchema.optional().describe(
    'Send it to this webhook endpoint only (even one not subscribed to its type); else to every enabled endpoint subscribed to it.',
  ),
});
export type EventRedeliver = z.infer<typeof EventRedeliverSchema>;
