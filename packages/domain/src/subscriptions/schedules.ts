import { z } from 'zod';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import { ObjectIdSchema } from '../ids.js';
import { AmountSchema, CurrencySchema } from '../payments/schemas.js';

export const MAX_SCHEDULE_ITEMS = 100;

export const PaymentScheduleIdSchema = ObjectIdSchema.describe('The payment schedule’s id.').meta({
  example: 'sched_8ZkQ1vXb4LmN7cTq2RsYw0Ad',
});

export const PaymentScheduleCreateSchema = z.strictObject({
  customer: ObjectIdSchema.describe(
    'The customer charged: a live customer of the same account and environment.',
  ),
  paymentMethod: ObjectIdSchema.optional().describe(
    'A payment method attached to the customer; else the customer’s default when each item is due.',
  ),
  currency: CurrencySchema,
  items: z
    .array(
      z.strictObject({
        amount: AmountSchema,
        dueAt: IsoTimestampSchema.describe('When this payment is charged.'),
      }),
    )
    .min(1, 'A schedule has at least one item.')
    .max(MAX_SCHEDULE_ITEMS, `A schedule has at most ${MAX_SCHEDULE_ITEMS} items.`)
    .describe(`1 to ${MAX_SCHEDULE_ITEMS} planned payments, each charged once when due.`),
});
export type PaymentScheduleCreate = z.infer<typeof PaymentScheduleCreateSchema>;

export const PaymentScheduleIdInputSchema = z.strictObject({ id: PaymentScheduleIdSchema });

export const PaymentScheduleListQuerySchema = ListParamsSchema.extend({
  customer: ObjectIdSchema.optional().describe('Only this customer’s schedules.'),
}).superRefine(refineOneCursor);
export type PaymentScheduleListQuery = z.infer<typeof PaymentScheduleListQuerySchema>;

export const SCHEDULE_ITEM_STATUSES = ['scheduled', 'succeeded', 'failed', 'canceled'] as const;

export const PaymentScheduleSchema = z
  .object({
    id: PaymentScheduleIdSchema,
    object: z
      .literal('payment_schedule')
      .describe('The kind of object: always `payment_schedule`.'),
    customer: z.string().describe('The customer charged.'),
    paymentMethod: z
      .string()
      .nullable()
      .describe('The payment method charged; null charges the customer’s default.'),
    currency: z.string().describe('Lowercase ISO 4217 code.'),
    status: z
      .enum(['active', 'completed', 'canceled'])
      .describe('`active` while items remain, `completed` when none do, `canceled`.'),
    items: z
      .array(
        z.object({
          amount: z.number().int().describe('In the currency’s minor unit.'),
          dueAt: IsoTimestampSchema.describe('When it is charged.'),
          status: z
            .enum(SCHEDULE_ITEM_STATUSES)
            .describe('`scheduled`, `succeeded`, `failed` (not retried) or `canceled`.'),
          payment: z.string().nullable().describe('The payment made for it, once charged.'),
        }),
      )
      .describe('The planned payments, in due order.'),
    canceledAt: IsoTimestampSchema.nullable().describe('When the remaining items were canceled.'),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    createdAt: IsoTimestampSchema.describe('When the schedule was created.'),
  })
  .meta({ id: 'PaymentSchedule', description: 'Planned one-off payments for a customer.' });
export type PaymentSchedule = z.infer<typeof PaymentScheduleSchema>;

export const PaymentScheduleListSchema = listSchema(PaymentScheduleSchema).meta({
  id: 'PaymentScheduleList',
});

export const BillingRunInputSchema = z.strictObject({
  at: IsoTimestampSchema.describe(
    'The time billing acts as if it were: everything due by then is charged.',
  ),
});

export const BillingRunSchema = z
  .object({
    object: z.literal('billing_run').describe('The kind of object: always `billing_run`.'),
    at: IsoTimestampSchema.describe('The time billing acted as if it were.'),
    charged: z.number().int().describe('Charges that succeeded.'),
    failed: z.number().int().describe('Charges that were declined.'),
    canceled: z
      .number()
      .int()
      .describe('Subscriptions canceled (at period end or after the last failed try).'),
    recovered: z
      .number()
      .int()
      .describe(
        'Charges recorded by another pass (one that crashed, or one still running elsewhere) and finished by this one with their key.',
      ),
  })
  .meta({ id: 'BillingRun', description: 'What one billing pass did.' });
export type BillingRun = z.infer<typeof BillingRunSchema>;
