import { z } from 'zod';
import { CustomerIdSchema } from './schemas.js';

/** How many customers one merge may fold into a survivor: enough for a family of duplicates. */
export const CUSTOMER_MERGE_MAX_FROM = 10;

/** The survivor's fields a merge may take from one of the customers merged into it. */
export const CUSTOMER_MERGE_FIELDS = ['name', 'email', 'phone', 'description', 'metadata'] as const;
export type CustomerMergeField = (typeof CUSTOMER_MERGE_FIELDS)[number];

const fieldSource = (field: CustomerMergeField) =>
  CustomerIdSchema.optional().describe(
    `The customer whose ${field} the survivor takes: the survivor's own id or one of \`from\`.`,
  );

export const CustomerMergeFieldsSchema = z
  .strictObject({
    name: fieldSource('name'),
    email: fieldSource('email'),
    phone: fieldSource('phone'),
    description: fieldSource('description'),
    metadata: fieldSource('metadata'),
  })
  .describe('Which customer each field comes from; a field not named keeps the survivor’s value.');
export type CustomerMergeFields = z.infer<typeof CustomerMergeFieldsSchema>;

export const CustomerMergeSchema = z
  .strictObject({
    id: CustomerIdSchema.describe('The survivor: the customer the others are merged into.'),
    from: z
      .array(CustomerIdSchema)
      .min(1, 'Name at least one customer to merge.')
      .max(CUSTOMER_MERGE_MAX_FROM, `Merge at most ${CUSTOMER_MERGE_MAX_FROM} customers at once.`)
      .describe(
        'The customers to merge into the survivor: their payments, payment methods, subscriptions and schedules move to it, and they are deleted.',
      )
      .meta({ example: ['cus_8sWn1A4fGq2Lm9XbT0cVhYkR'] }),
    fields: CustomerMergeFieldsSchema.optional(),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.from.forEach((id, index) => {
      if (id === input.id) {
        ctx.addIssue({
          code: 'custom',
          path: ['from', index],
          message: 'A customer cannot be merged into itself.',
        });
      } else if (seen.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['from', index],
          message: `'${id}' is named twice.`,
        });
      }
      seen.add(id);
    });
    const involved = new Set([input.id, ...input.from]);
    for (const field of CUSTOMER_MERGE_FIELDS) {
      const source = input.fields?.[field];
      if (source !== undefined && !involved.has(source)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', field],
          message: `'${source}' is neither the survivor nor one of \`from\`.`,
        });
      }
    }
  });
export type CustomerMerge = z.infer<typeof CustomerMergeSchema>;
