import { z } from 'zod';
import {
  IsoTimestampSchema,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from '../common/list.js';
import { ObjectIdSchema } from '../ids.js';

export const AUDIT_ACTOR_TYPES = ['api_key', 'user', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/** Who made a change: an API key, a dashboard user, or the system (billing), which has no id. */
export interface AuditActor {
  type: AuditActorType;
  id: string | null;
}

/** `customer.updated`, `api_key.created`, ...; or `customer.*` for every action on customers. */
const ACTION_FILTER = /^[a-z][a-z_]*\.(?:\*|[a-z][a-z_]*)$/;

export const AuditEntryIdSchema = ObjectIdSchema.describe('The audit entry’s id.').meta({
  example: 'aud_4fKq9TzLm2Pw8XcVbN1sYr0D',
});

export const AuditEntryListQuerySchema = ListParamsSchema.extend({
  object: ObjectIdSchema.optional()
    .describe('Only entries about this object (a customer, payment, API key, user, ...).')
    .meta({ example: 'cus_NffrFeUfNV2Hib8a0dCqYxVs' }),
  actor: ObjectIdSchema.optional()
    .describe('Only changes made by this API key (`key_...`) or dashboard user (`usr_...`).')
    .meta({ example: 'usr_3bWq0PzXk7Lm1NcRtY5vHs2J' }),
  action: z
    .string()
    .max(100)
    .regex(
      ACTION_FILTER,
      'An action (`customer.updated`) or every action on one object (`customer.*`).',
    )
    .optional()
    .describe('Only this action, or every action on one kind of object: `customer.*`.')
    .meta({ example: 'customer.updated' }),
  customer: ObjectIdSchema.optional().describe(
    'Only changes about this customer: its own, and its payments’, payment methods’, subscriptions’ and schedules’.',
  ),
  createdGte: IsoTimestampSchema.optional().describe('Only entries created at or after this time.'),
  createdLte: IsoTimestampSchema.optional().describe(
    'Only entries created at or before this time.',
  ),
}).superRefine(refineOneCursor);
export type AuditEntryListQuery = z.infer<typeof AuditEntryListQuerySchema>;

export const AuditEntrySchema = z
  .object({
    id: AuditEntryIdSchema,
    object: z.literal('audit_entry').describe('The kind of object: always `audit_entry`.'),
    livemode: z
      .boolean()
      .nullable()
      .describe(
        'The environment of the change: true live, false test; null for account-wide objects (dashboard users).',
      ),
    actor: z
      .object({
        type: z
          .enum(AUDIT_ACTOR_TYPES)
          .describe('`api_key`, `user` (a dashboard user) or `system` (billing).'),
        id: z.string().nullable().describe('The API key’s or user’s id; null for the system.'),
      })
      .describe('Who made the change.'),
    action: z
      .string()
      .describe('What was done: `customer.updated`, `api_key.created`, `user.invited`, ...')
      .meta({ example: 'customer.updated' }),
    objectId: z
      .string()
      .describe('The object changed.')
      .meta({ example: 'cus_NffrFeUfNV2Hib8a0dCqYxVs' }),
    customer: z
      .string()
      .nullable()
      .describe('The customer the change is about (its own, or its payment’s, card’s, ...).'),
    fields: z.array(z.string()).describe('The names of the fields the change set.'),
    changes: z
      .record(
        z.string(),
        z.object({ before: z.unknown().optional(), after: z.unknown().optional() }),
      )
      .nullable()
      .describe(
        'Each field’s value before and after (a side without a value is left out). Secrets and card data never appear (a secret field’s entry is `{}`); emails and phone numbers are masked. null once erased with the customer’s personal data.',
      ),
    requestId: z
      .string()
      .nullable()
      .describe('The API request that made the change; null when billing made it.'),
    clientIp: z.string().nullable().describe('The address the request came from.'),
    createdAt: IsoTimestampSchema.describe('When the change was made (its transaction).'),
  })
  .meta({
    id: 'AuditEntry',
    description:
      'One change by an API key, a dashboard user or billing, recorded in the same transaction as the change. The log is append-only.',
  });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditEntryListSchema = listSchema(AuditEntrySchema).meta({ id: 'AuditEntryList' });
