import { z } from 'zod';
import { emailIdentity, isValidEmail } from '../common/email.js';
import { addCodedIssue } from '../common/issues.js';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import { MetadataPatchSchema, MetadataSchema } from '../common/metadata.js';
import { toE164 } from '../common/phone.js';
import { containsCardNumber } from '../common/sensitive.js';
import { hasControlCharacters, hasNul, isWellFormedText } from '../common/text.js';
import { ObjectIdSchema } from '../ids.js';

export const CUSTOMER_NAME_MAX_LENGTH = 256;
export const CUSTOMER_EMAIL_MAX_LENGTH = 254;
export const CUSTOMER_DESCRIPTION_MAX_LENGTH = 1000;

const rejectCardNumbers = (value: string, ctx: z.core.$RefinementCtx<string>) => {
  if (containsCardNumber(value)) {
    addCodedIssue(ctx, 'sensitive_data_rejected', 'This field cannot hold a card number.');
  }
};

export const CustomerNameSchema = z
  .string()
  .trim()
  .min(1, 'Name cannot be empty.')
  .max(CUSTOMER_NAME_MAX_LENGTH, `Name is at most ${CUSTOMER_NAME_MAX_LENGTH} characters.`)
  .refine((name) => !hasControlCharacters(name), 'Name cannot contain control characters.')
  .refine(isWellFormedText, 'Name cannot contain lone UTF-16 surrogates.')
  .superRefine(rejectCardNumbers)
  .describe('The customer’s full name or business name.')
  .meta({ example: 'Ada Lovelace' });

export const CustomerEmailSchema = z
  .string()
  .trim()
  .superRefine((email, ctx) => {
    // A lone surrogate passes the syntax (it is a code point) but is no address anyone can have.
    if (!isValidEmail(email) || !isWellFormedText(email)) {
      addCodedIssue(ctx, 'email_invalid', 'Enter a valid email address, like ada@example.com.');
    }
  })
  .describe('Stored as given, compared case-insensitively; one live customer per email.')
  .meta({ example: 'ada@example.com' });

export const CustomerPhoneSchema = z
  .string()
  .transform((phone, ctx) => {
    const e164 = toE164(phone);
    if (e164 === undefined) {
      addCodedIssue(
        ctx,
        'phone_invalid',
        'Enter a phone number that can be dialled, like +1 415 555 0123.',
      );
      return z.NEVER;
    }
    return e164;
  })
  .describe('Any common format; stored in E.164. Numbers without a country code are read as US.')
  .meta({ example: '+14155550123' });

export const CustomerDescriptionSchema = z
  .string()
  .max(
    CUSTOMER_DESCRIPTION_MAX_LENGTH,
    `Description is at most ${CUSTOMER_DESCRIPTION_MAX_LENGTH} characters.`,
  )
  .refine((text) => !hasNul(text), 'Description cannot contain NUL characters.')
  .refine(isWellFormedText, 'Description cannot contain lone UTF-16 surrogates.')
  .superRefine(rejectCardNumbers)
  .describe('Free text for your team.')
  .meta({ example: 'Enterprise lead from the London event' });

export const CustomerCreateSchema = z.strictObject({
  name: CustomerNameSchema,
  email: CustomerEmailSchema,
  phone: CustomerPhoneSchema.nullish(),
  description: CustomerDescriptionSchema.nullish(),
  metadata: MetadataSchema.optional(),
});
export type CustomerCreate = z.infer<typeof CustomerCreateSchema>;

export const CustomerUpdateFieldsSchema = z.strictObject({
  name: CustomerNameSchema.optional(),
  email: CustomerEmailSchema.optional(),
  phone: CustomerPhoneSchema.nullable().optional().describe('`null` removes the phone number.'),
  description: CustomerDescriptionSchema.nullable().optional().describe('`null` removes it.'),
  metadata: MetadataPatchSchema.optional(),
  defaultPaymentMethod: ObjectIdSchema.nullable()
    .optional()
    .describe(
      'A payment method attached to this customer, charged when nothing else is named; `null` clears it.',
    )
    .meta({ example: 'pm_1MqM05LkdIwHu7ixlDxxO6Mc' }),
});
export type CustomerUpdateFields = z.infer<typeof CustomerUpdateFieldsSchema>;

export const CustomerIdSchema = ObjectIdSchema.describe('The customer’s id.').meta({
  example: 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A',
});

export const CustomerIdInputSchema = z.strictObject({ id: CustomerIdSchema });

export const CustomerUpdateSchema = CustomerUpdateFieldsSchema.extend({ id: CustomerIdSchema });
export type CustomerUpdate = z.infer<typeof CustomerUpdateSchema>;

export const CustomerListQuerySchema = ListParamsSchema.extend({
  email: z
    .string()
    .trim()
    .min(1)
    .max(CUSTOMER_EMAIL_MAX_LENGTH)
    .refine((text) => !hasNul(text), 'Cannot contain NUL characters.')
    .refine(isWellFormedText, 'Cannot contain lone UTF-16 surrogates.')
    .optional()
    .describe('Only the customer with exactly this email (case-insensitive).'),
  query: z
    .string()
    .trim()
    .min(1)
    .max(CUSTOMER_NAME_MAX_LENGTH)
    .refine((text) => !hasNul(text), 'Cannot contain NUL characters.')
    // Nothing stored holds one, and PGlite fails a query whose text parameter does.
    .refine(isWellFormedText, 'Cannot contain lone UTF-16 surrogates.')
    .optional()
    .describe(
      'Case-insensitive search. Typed like the start of an email (`grace@`, `grace@navy.ex`): customers whose email starts with it. Typed like a phone number (digits and the spaces, dashes, dots, parentheses and `+` people write them with, at least 4 digits): customers whose phone starts with it, read as a phone is when stored (with `+` or `00` the country code is in it; otherwise a US number, or a country code and number without the `+`). Anything else: a fragment of name, email or phone, every character literal.',
    ),
  createdGte: IsoTimestampSchema.optional().describe(
    'Only customers created at or after this time.',
  ),
  createdLte: IsoTimestampSchema.optional().describe(
    'Only customers created at or before this time.',
  ),
}).superRefine(refineOneCursor);
export type CustomerListQuery = z.infer<typeof CustomerListQuerySchema>;

export const CustomerSchema = z
  .object({
    id: CustomerIdSchema,
    object: z.literal('customer').describe('The kind of object: always `customer`.'),
    name: z.string().describe('The customer’s name.'),
    email: z.string().describe('The customer’s email, as given.'),
    phone: z.string().nullable().describe('E.164 phone number, or null.'),
    description: z.string().nullable().describe('Free text, or null.'),
    metadata: z.record(z.string(), z.string()).describe('Your key-value pairs.'),
    defaultPaymentMethod: z
      .string()
      .nullable()
      .describe('The attached payment method charged when nothing else is named, or null.'),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    createdAt: IsoTimestampSchema.describe('When the customer was created.'),
    updatedAt: IsoTimestampSchema.describe('When the customer last changed.'),
  })
  .meta({ id: 'Customer', description: 'A person or business that pays the merchant.' });
export type Customer = z.infer<typeof CustomerSchema>;

export const DeletedCustomerSchema = z
  .object({
    id: CustomerIdSchema,
    object: z.literal('customer').describe('The kind of object: always `customer`.'),
    deleted: z.literal(true).describe('Always true: the customer is deleted.'),
  })
  .meta({ id: 'DeletedCustomer' });
export type DeletedCustomer = z.infer<typeof DeletedCustomerSchema>;

export const CustomerListSchema = listSchema(CustomerSchema).meta({ id: 'CustomerList' });

export { emailIdentity };
