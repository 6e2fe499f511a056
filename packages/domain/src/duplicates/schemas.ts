import { z } from 'zod';
import { ListParamsSchema, listSchema, refineOneCursor } from '../common/list.js';
import { CustomerIdSchema, CustomerSchema } from '../customers/schemas.js';
import { DUPLICATE_LEVELS, DUPLICATE_REASONS, POSSIBLE_THRESHOLD } from './score.js';

export const DuplicateReasonSchema = z
  .enum(DUPLICATE_REASONS)
  .describe(
    'A signal the customers share: `email` — the same mailbox after provider rules (Gmail’s dots and `+tags`, `+tags` at Outlook, iCloud, Fastmail, Proton); `phone` — the same E.164 number; `card` — a payment method with the same card fingerprint; `name` — near-identical names, accents, case, punctuation and word order ignored.',
  );

export const DuplicateScoreSchema = z
  .number()
  .min(0)
  .max(1)
  .describe('How sure we are that these are one customer, 0 to 1 (two decimals).')
  .meta({ example: 0.88 });

export const DuplicateLevelSchema = z
  .enum(DUPLICATE_LEVELS)
  .describe(
    '`likely` from a score of 0.8 (two shared signals, or one and a near-identical name); `possible` from 0.5.',
  );

export const DuplicateListQuerySchema = ListParamsSchema.extend({
  minScore: z
    .number()
    .min(0)
    .max(1)
    .default(POSSIBLE_THRESHOLD)
    .describe(
      `Only groups holding a pair scored at least this, 0 to 1 (default ${POSSIBLE_THRESHOLD}; 0.8 for likely duplicates only).`,
    )
    .meta({ example: 0.8 }),
  startingAfter: CustomerIdSchema.optional().describe(
    'A group id (its newest customer’s id): return the page that follows it.',
  ),
  endingBefore: CustomerIdSchema.optional().describe(
    'A group id (its newest customer’s id): return the page that precedes it.',
  ),
}).superRefine(refineOneCursor);
export type DuplicateListQuery = z.infer<typeof DuplicateListQuerySchema>;

export const DuplicateCandidateSchema = z
  .object({
    customer: CustomerSchema,
    score: DuplicateScoreSchema,
    level: DuplicateLevelSchema,
    reasons: z.array(DuplicateReasonSchema).describe('Why it looks like the same customer.'),
  })
  .meta({
    id: 'DuplicateCandidate',
    description: 'Another customer that may be the same person, with its score and reasons.',
  });
export type DuplicateCandidate = z.infer<typeof DuplicateCandidateSchema>;

export const DuplicatePairSchema = z
  .object({
    a: CustomerIdSchema.describe('One customer of the pair.'),
    b: CustomerIdSchema.describe('The other customer of the pair.'),
    score: DuplicateScoreSchema,
    reasons: z.array(DuplicateReasonSchema).describe('What the two share.'),
  })
  .meta({
    id: 'DuplicatePair',
    description: 'Two customers of a group that look like one, and why.',
  });
export type DuplicatePair = z.infer<typeof DuplicatePairSchema>;

export const DuplicateGroupSchema = z
  .object({
    object: z.literal('duplicate_group').describe('The kind of object: always `duplicate_group`.'),
    id: CustomerIdSchema.describe(
      'The id of the group’s first customer (its newest): where it sits in the list, and its cursor.',
    ),
    score: DuplicateScoreSchema.describe('The highest score of any pair in the group.'),
    level: DuplicateLevelSchema,
    customers: z
      .array(CustomerSchema)
      .min(2)
      .describe('The customers that look like one, newest first: the candidates for a merge.'),
    pairs: z
      .array(DuplicatePairSchema)
      .describe('Each scored pair that joined the group, to compare side by side.'),
  })
  .meta({
    id: 'DuplicateGroup',
    description:
      'Customers that look like one person: each is linked to another by a scored pair. Merge them with `POST /v1/customers/{id}/merge`.',
  });
export type DuplicateGroup = z.infer<typeof DuplicateGroupSchema>;

export const DuplicateGroupListSchema = listSchema(DuplicateGroupSchema).meta({
  id: 'DuplicateGroupList',
});
export type DuplicateGroupList = z.infer<typeof DuplicateGroupListSchema>;

export const CustomerDuplicatesSchema = z
  .object({
    object: z.literal('list').describe('The kind of object: always `list`.'),
    data: z
      .array(DuplicateCandidateSchema)
      .describe('Every customer that may be the same person, highest score first.'),
    hasMore: z.literal(false).describe('Always false: every candidate is on this one page.'),
    url: z.string().describe('The path this list was read from.'),
  })
  .meta({ id: 'CustomerDuplicates' });
export type CustomerDuplicates = z.infer<typeof CustomerDuplicatesSchema>;
