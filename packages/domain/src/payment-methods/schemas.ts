import { z } from 'zod';
import { addCodedIssue } from '../common/issues.js';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import type { DomainError } from '../errors.js';
import { ObjectIdSchema } from '../ids.js';
import { CARD_BRANDS, cardBrand, cardNumberDigits, checkCvc, checkExpiry } from './card.js';

/**
 * The API contract of saved payment methods (SPEC §6). The create schema reads the full number
 * and CVC; every message it can produce is one of the fixed sentences of card.ts, so neither ever
 * reaches an error, an idempotent replay or a log.
 */
export const PaymentMethodIdSchema = ObjectIdSchema.describe('The payment method’s id.').meta({
  example: 'pm_1MqM05LkdIwHu7ixlDxxO6Mc',
});

export const PAYMENT_METHOD_TYPES = ['card'] as const;

const VALID_CVC = /^[0-9]{3,4}$/;

/** An issue at the card field a DomainError of card.ts names (`card.cvc` → `cvc`). */
function addCardIssue(ctx: z.core.$RefinementCtx<unknown>, error: DomainError) {
  ctx.addIssue({
    code: 'custom',
    path: [(error.param ?? '').replace(/^card\./, '')],
    message: error.message,
    params: { code: error.code },
  });
}

const CardNumberSchema = z
  .string()
  .transform((number, ctx) => {
    const digits = cardNumberDigits(number);
    if (!digits.ok) {
      addCodedIssue(ctx, digits.error.code, digits.error.message);
      return z.NEVER;
    }
    return digits.value;
  })
  .describe(
    'The full card number, 13 to 19 digits, spaces or dashes between groups allowed. Used to check the card and then forgotten: only its brand, last four digits and fingerprint are kept. Test numbers: 4242424242424242 succeeds, 4000000000000002 and 4000000000009995 decline (and cannot be attached), 4000000000000341 attaches but declines every charge.',
  )
  .meta({ example: '4242424242424242' });

const ExpMonthSchema = z
  .number()
  .int()
  .min(1)
  .max(12)
  .describe('The expiry month printed on the card, 1 to 12.')
  .meta({ example: 12 });

const ExpYearSchema = z
  .number()
  .int()
  .min(1000)
  .max(9999)
  .describe('The four-digit expiry year printed on the card; the card is good through its month.')
  .meta({ example: 2034 });

const CvcSchema = z
  .string()
  .superRefine((cvc, ctx) => {
    // The length for the brand is checked with the number; here, only what any card allows.
    if (!VALID_CVC.test(cvc)) {
      addCodedIssue(ctx, 'cvc_invalid', 'The security code is 3 digits (4 for American Express).');
    }
  })
  .describe('The card’s security code: 3 digits, 4 for American Express. Checked, then forgotten.')
  .meta({ example: '123' });

export const CardDetailsSchema = z
  .strictObject({
    number: CardNumberSchema,
    expMonth: ExpMonthSchema,
    expYear: ExpYearSchema,
    cvc: CvcSchema,
  })
  .superRefine((card, ctx) => {
    // zod runs this even when a field failed: each rule runs only on fields that passed alone.
    const { number, expMonth, expYear, cvc } = card as Partial<CardDetails>;
    if (ExpMonthSchema.safeParse(expMonth).success && ExpYearSchema.safeParse(expYear).success) {
      // The current date at parse time: the rule itself (checkExpiry) takes `now` as a parameter.
      const expiry = checkExpiry(
        { expMonth: Number(expMonth), expYear: Number(expYear) },
        new Date(),
      );
      if (!expiry.ok) addCardIssue(ctx, expiry.error);
    }
    if (typeof number === 'string' && typeof cvc === 'string' && VALID_CVC.test(cvc)) {
      const checked = checkCvc(cvc, cardBrand(number));
      if (!checked.ok) addCardIssue(ctx, checked.error);
    }
  })
  .describe('The card’s details, as printed on it.');
export type CardDetails = z.infer<typeof CardDetailsSchema>;

export const PaymentMethodCreateSchema = z.strictObject({
  type: z
    .enum(PAYMENT_METHOD_TYPES)
    .describe('The kind of payment method: `card`.')
    .meta({ example: 'card' }),
  card: CardDetailsSchema,
  customer: ObjectIdSchema.optional()
    .describe(
      'Attach it at once to this customer (a live customer of the same account and environment).',
    )
    .meta({ example: 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A' }),
});
export type PaymentMethodCreate = z.infer<typeof PaymentMethodCreateSchema>;

export const PaymentMethodIdInputSchema = z.strictObject({ id: PaymentMethodIdSchema });

export const PaymentMethodAttachSchema = z.strictObject({
  id: PaymentMethodIdSchema,
  customer: ObjectIdSchema.describe(
    'The customer to attach it to: a live customer of the same account and environment.',
  ).meta({ example: 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A' }),
});
export type PaymentMethodAttach = z.infer<typeof PaymentMethodAttachSchema>;

export const CustomerPaymentMethodsQuerySchema = ListParamsSchema.extend({
  id: ObjectIdSchema.describe('The customer’s id.'),
}).superRefine(refineOneCursor);
export type CustomerPaymentMethodsQuery = z.infer<typeof CustomerPaymentMethodsQuerySchema>;

export const CardSchema = z
  .object({
    brand: z
      .enum(CARD_BRANDS)
      .describe(
        'The card network, from the number’s leading digits: `visa`, `mastercard`, `amex`, `discover`, `diners`, `jcb`, `unionpay` or `unknown`.',
      ),
    last4: z.string().describe('The last four digits of the number.').meta({ example: '4242' }),
    expMonth: z.number().int().describe('The expiry month, 1 to 12.'),
    expYear: z.number().int().describe('The four-digit expiry year.'),
    fingerprint: z
      .string()
      .describe(
        'The same for the same card number within an account (and different across accounts): find one card saved twice. A keyed hash, never the number.',
      )
      .meta({ example: 'Xt5EWLLDS7FJjR1c' }),
  })
  .meta({ id: 'Card', description: 'What is kept of a card: never its number or CVC.' });

export const PaymentMethodSchema = z
  .object({
    id: PaymentMethodIdSchema,
    object: z.literal('payment_method').describe('The kind of object: always `payment_method`.'),
    type: z.enum(PAYMENT_METHOD_TYPES).describe('The kind of payment method: `card`.'),
    card: CardSchema,
    customer: z
      .string()
      .nullable()
      .describe('The customer it is attached to; null before it is attached and once detached.'),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    createdAt: IsoTimestampSchema.describe('When the payment method was created.'),
  })
  .meta({
    id: 'PaymentMethod',
    description: 'A saved card a customer can be charged with.',
  });
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

export const PaymentMethodListSchema = listSchema(PaymentMethodSchema).meta({
  id: 'PaymentMethodList',
});
