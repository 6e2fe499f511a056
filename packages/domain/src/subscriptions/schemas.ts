import { z } from 'zod';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import { MetadataPatchSchema, MetadataSchema } from '../common/metadata.js';
import { ObjectIdSchema } from '../ids.js';
import { CANCELLATION_REASONS, SUBSCRIPTION_STATUSES } from '../billing/lifecycle.js';
import { BILLING_INTERVALS, MAX_INTERVAL_COUNT } from '../billing/periods.js';
import { AmountSchema, CurrencySchema } from '../payments/schemas.js';

export const MAX_TRIAL_PERIOD_DAYS = 730;

export const SubscriptionIdSchema = ObjectIdSchema.describe('The subscription’s id.').meta({
  example: 'sub_4fGq2Lm9XbT0cVhYkR8sWn1A',
});

const IntervalSchema = z
  .enum(BILLING_INTERVALS)
  .describe('How often the customer is billed: `day`, `week`, `month` or `year`.')
  .meta({ example: 'month' });

export const SubscriptionCreateSchema = z
  .strictObject({
    customer: ObjectIdSchema.describe(
      'The customer billed: a live customer of the same account and environment.',
    ),
    amount: AmountSchema,
    currency: CurrencySchema,
    interval: IntervalSchema,
    intervalCount: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe(
        'Bill every intervalCount intervals; one year at most in all (365 days, 52 weeks, 12 months, 1 year).',
      )
      .meta({ example: 1 }),
    trialPeriodDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_TRIAL_PERIOD_DAYS)
      .optional()
      .describe('Days of free trial before the first charge; the trial’s end anchors the cycle.')
      .meta({ example: 14 }),
    defaultPaymentMethod: ObjectIdSchema.optional().describe(
      'A payment method attached to the customer; else the customer’s default is charged.',
    ),
    metadata: MetadataSchema.optional(),
  })
  .superRefine((input, ctx) => {
    const max = MAX_INTERVAL_COUNT[input.interval];
    if (input.intervalCount > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['intervalCount'],
        message: `At most ${max} for interval ${input.interval} (one year in all).`,
      });
    }
  });
export type SubscriptionCreate = z.infer<typeof SubscriptionCreateSchema>;

export const SubscriptionUpdateSchema = z.strictObject({
  id: SubscriptionIdSchema,
  cancelAtPeriodEnd: z
    .boolean()
    .optional()
    .describe('true: cancel when the current period ends; false before then undoes it.'),
  defaultPaymentMethod: ObjectIdSchema.nullable()
    .optional()
    .describe('A payment method attached to the customer; null charges the customer’s default.'),
  metadata: MetadataPatchSchema.optional(),
});
export type SubscriptionUpdate = z.infer<typeof SubscriptionUpdateSchema>;

export const SubscriptionIdInputSchema = z.strictObject({ id: SubscriptionIdSchema });

export const SubscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);

export const SubscriptionListQuerySchema = ListParamsSchema.extend({
  customer: ObjectIdSchema.optional().describe('Only this customer’s subscriptions.'),
  status: SubscriptionStatusSchema.optional().describe('Only subscriptions in this status.'),
}).superRefine(refineOneCursor);
export type SubscriptionListQuery = z.infer<typeof SubscriptionListQuerySchema>;

const nullableTime = (what: string) => IsoTimestampSchema.nullable().describe(what);

export const SubscriptionSchema = z
  .object({
    id: SubscriptionIdSchema,
    object: z.literal('subscription').describe('The kind of object: always `subscription`.'),
    customer: z.string().describe('The customer billed.'),
    defaultPaymentMethod: z
      .string()
      .nullable()
      .describe('The payment method charged; null charges the customer’s default.'),
    amount: z.number().int().describe('Charged each period, in the currency’s minor unit.'),
    currency: z.string().describe('Lowercase ISO 4217 code.'),
    interval: IntervalSchema,
    intervalCount: z.number().int().describe('Intervals per period.'),
    status: SubscriptionStatusSchema.describe(
      '`trialing`, `active`, `past_due` (a renewal failed and is retried), `canceled`, or `incomplete` (the first charge failed).',
    ),
    billingCycleAnchor: IsoTimestampSchema.describe(
      'Period n starts at the anchor plus n intervals (month ends clamp: Jan 31 → Feb 28 → Mar 31).',
    ),
    currentPeriodStart: IsoTimestampSchema.describe('When the current period (or trial) began.'),
    currentPeriodEnd: IsoTimestampSchema.describe(
      'When it ends: the next renewal, unless canceled.',
    ),
    cancelAtPeriodEnd: z.boolean().describe('Whether it cancels when the current period ends.'),
    canceledAt: nullableTime('When it was canceled, or asked to be at period end.'),
    endedAt: nullableTime('When it stopped billing for good.'),
    cancellationReason: z
      .enum(CANCELLATION_REASONS)
      .nullable()
      .describe('`requested`, `payment_failed` or `customer_deleted`; null unless canceled.'),
    trialStart: nullableTime('When the trial began, if any.'),
    trialEnd: nullableTime('When the trial ends (the first charge), if any.'),
    latestPayment: z.string().nullable().describe('The last payment billing made for it.'),
    metadata: z.record(z.string(), z.string()).describe('Your key-value pairs.'),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    createdAt: IsoTimestampSchema.describe('When the subscription was created.'),
  })
  .meta({ id: 'Subscription', description: 'A customer billed on a schedule.' });
export type Subscription = z.infer<typeof SubscriptionSchema>;

export const SubscriptionListSchema = listSchema(SubscriptionSchema).meta({
  id: 'SubscriptionList',
});
