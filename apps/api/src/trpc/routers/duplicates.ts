import {
  CustomerDuplicatesSchema,
  CustomerIdInputSchema,
  DuplicateGroupListSchema,
  DuplicateListQuerySchema,
} from '@peasswap/domain';
import { findCustomerDuplicates, listDuplicateGroups } from '../../queries/duplicates.js';
import { procedureWith, router } from '../init.js';

const tags = ['Customers'];

export const duplicatesRouter = router({
  list: procedureWith('customers:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/customers/duplicates',
        tags,
        summary: 'List groups of likely duplicate customers',
        description:
          'Customers sharing a mailbox (after provider rules), a phone or a card fingerprint, scored with their names; groups newest first, cursor-paginated by group id. A name-only likeness shows on `GET /v1/customers/{id}/duplicates`.',
      },
    })
    .input(DuplicateListQuerySchema)
    .output(DuplicateGroupListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listDuplicateGroups(ctx.readDb, ctx.scope, input)),
      url: '/v1/customers/duplicates',
    })),

  ofCustomer: procedureWith('customers:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/customers/{id}/duplicates',
        tags,
        summary: 'A customer’s likely duplicates',
        description:
          'Every live customer that may be the same person — same mailbox, phone or card, or a near-identical name — with its score and reasons, highest first.',
      },
    })
    .input(CustomerIdInputSchema)
    .output(CustomerDuplicatesSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      data: await findCustomerDuplicates(ctx.readDb, ctx.scope, input.id),
      hasMore: false as const,
      url: `/v1/customers/${input.id}/duplicates`,
    })),
});
