import { AuditEntryListQuerySchema, AuditEntryListSchema } from '@peasswap/domain';
import { listAuditEntries } from '../../queries/audit-log.js';
import { procedureWith, router } from '../init.js';

const tags = ['Audit log'];

export const auditLogRouter = router({
  list: procedureWith('audit:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/audit_log',
        tags,
        summary: 'List audit entries',
        description:
          'Who changed what, and when: one entry per change by an API key, a dashboard user or billing, newest first, cursor-paginated. Filter by object, actor, action (`customer.*` for every action on customers), customer and creation time. Entries of this environment and account-wide ones (dashboard users). Secrets and card data never appear; emails and phone numbers are masked.',
      },
    })
    .input(AuditEntryListQuerySchema)
    .output(AuditEntryListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listAuditEntries(ctx.readDb, ctx.scope, input)),
      url: '/v1/audit_log',
    })),
});
