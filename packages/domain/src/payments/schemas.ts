import { z } from 'zod';
import { addCodedIssue } from '../common/issues.js';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import { MetadataSchema } from '../common/metadata.js';
import { containsCardNumber } from '../common/sensitive.js';
import { hasNul, isWellFormedText } from '../common/text.js';
import { ObjectIdSchema } from '../ids.js';
import { isPayableCurrency } from './currency.js';
import { FAILURE_CODES } from './processing.js';

export const PAYMENT_AMOUNT_MAX = 99_999_999;
export const PAYMENT_DESCRIPTION_MAX_LENGTH = 1000;

export const AmountSchema = z
  .number()
  .int('Amounts are whole numbers of the currency’s minor unit (cents for usd).')
  .min(1, 'The amount must be at least 1.')
  .max(PAYMENT_AMOUNT_MAX, `The amount is at most ${PAYMENT_AMOUNT_MAX}.`)
  .describe('In the currency’s minor unit: 1000 is $10.00 in usd, ¥1000 in jpy.')
  .meta({ example: 2500 });

export const CurrencySchema = z
  .string()
  .refine(isPayableCurrency, 'Use a three-letter ISO 4217 currency code, like usd or eur.')
  .transform((currency) => currency.toLowerCase())
  .describe('Three-letter ISO 4217 code, stored lowercase.')
  .meta({ example: 'usd' });

const PaymentDescriptionSchema = z
  .string()
  .max(PAYMENT_DESCRIPTION_MAX_LENGTH)
  .refine((text) => !hasNul(text), 'Description cannot contain NUL characters.')
  .refine(isWellFormedText, 'Description cannot contain lone UTF-16 surrogates.')
  .superRefine((text, ctx) => {
    if (containsCardNumber(text)) {
      addCodedIssue(ctx, 'sensitive_data_rejected', 'This field cannot hold a card number.');
    }
  })
  .describe('Free text shown with the payment.')
  .meta({ example: 'Invoice 2026-0042' });

export const PaymentIdSchema = ObjectIdSchema.describe('The payment’s id.').meta({
  example: 'pay_8ZkQ1vXb4LmN7cTq2RsYw0Ad',
});

export const PaymentCreateSchema = z.strictObject({
  amount: AmountSchema,
  currency: CurrencySchema,
  customer: ObjectIdSchema.optional().describe(
    'The customer paying: a live customer of the same account and environment.',
  ),
  paymentMethod: ObjectIdSchema.optional().describe(
    'The payment method to charge: a saved card of this account and environment (attached to `customer` when the payment names one, and then it must), or a test method: pm_card_visa (succeeds), pm_card_chargeDeclined, pm_card_chargeDeclinedInsufficientFunds.',
  ),
  description: PaymentDescriptionSchema.optional(),
  metadata: MetadataSchema.optional(),
});
export type PaymentCreate = z.infer<typeof PaymentCreateSchema>;

export const PaymentIdInputSchema = z.strictObject({ id: PaymentIdSchema });

export const PaymentListQuerySchema = ListParamsSchema.extend({
  customer: ObjectIdSchema.optional().describe(
    'Only this customer’s payments; deleted customers’ payments stay listed.',
  ),
}).superRefine(refineOneCursor);
export type PaymentListQuery = z.infer<typeof PaymentListQuerySchema>;

export const CustomerPaymentsQuerySchema = ListParamsSchema.extend({
  id: ObjectIdSchema.describe('The customer’s id.'),
}).superRefine(refineOneCursor);
export type CustomerPaymentsQuery = z.infer<typeof CustomerPaymentsQuerySchema>;

export const PaymentStatusSchema = z.enum(['succeeded', 'failed']);

export const PaymentSchema = z
  .object({
    id: PaymentIdSchema,
    object: z.literal('payment').describe('The kind of object: always `payment`.'),
    amount: z.number().int().describe('In the currency’s minor unit.'),
    currency: z.string().describe('Lowercase ISO 4217 code.'),
    customer: z.string().nullable().describe('The paying customer’s id, kept after deletion.'),
    paymentMethod: z.string().nullable().describe('The payment method charged, or null.'),
    status: PaymentStatusSchema.describe('`succeeded`, or `failed` with a failureCode.'),
    failureCode: z.enum(FAILURE_CODES).nullable().describe('Why a failed payment failed.'),
    description: z.string().nullable().describe('Free text, or null.'),
    metadata: z.record(z.string(), z.string()).describe('Your key-value pairs.'),
    subscription: z
      .string()
      .nullable()
      .describe('The subscription billing made this payment for, or null.'),
    paymentSchedule: z
      .string()
      .nullable()
      .describe('The payment schedule billing made this payment for, or null.'),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    createdAt: IsoTimestampSchema.describe('When the payment was made.'),
  })
  .meta({ id: 'Payment', description: 'A charge, linked to the customer who paid.' });
export type Payment = z.infer<typeof PaymentSchema>;

export const PaymentListSchema = listSchema(PaymentSchema).meta({ id: 'PaymentList' });
