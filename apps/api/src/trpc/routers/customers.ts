import {
  CustomerAnalyticsSchema,
  CustomerCreateSchema,
  CustomerExportSchema,
  CustomerPaymentsQuerySchema,
  CustomerIdInputSchema,
  CustomerListQuerySchema,
  CustomerListSchema,
  CustomerMergeSchema,
  CustomerSchema,
  CustomerPaymentMethodsQuerySchema,
  CustomerRedactionSchema,
  CustomerUpdateSchema,
  DeletedCustomerSchema,
  PaymentListSchema,
  PaymentMethodListSchema,
} from '@peasswap/domain';
import { customerAnalytics } from '../../queries/analytics.js';
import { listCustomerPaymentMethods } from '../../queries/payment-methods.js';
import { listCustomerPayments } from '../../queries/payments.js';
import {
  createCustomer,
  deleteCustomer,
  listCustomers,
  retrieveCustomer,
  updateCustomer,
} from '../../queries/customers.js';
import { mergeCustomers } from '../../queries/customer-merges.js';
import { exportCustomerData } from '../../queries/customer-privacy.js';
import { redactCustomer } from '../../queries/customer-redaction.js';
import { cancelSchedulesOfCustomer } from '../../queries/payment-schedules.js';
import { cancelSubscriptionsOfCustomer } from '../../queries/subscriptions.js';
import { procedureWith, router } from '../init.js';
import { importCustomersProcedure } from './customer-csv.js';

const tags = ['Customers'];

export const customersRouter = router({
  create: procedureWith('customers:write')
    .meta({
      openapi: { method: 'POST', path: '/v1/customers', tags, summary: 'Create a customer' },
    })
    .input(CustomerCreateSchema)
    .output(CustomerSchema)
    .mutation(({ ctx, input }) => createCustomer(ctx.db, ctx.scope, input, ctx.outbox)),

  list: procedureWith('customers:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/customers',
        tags,
        summary: 'List customers',
        description:
          'Newest first, cursor-paginated; filter by exact email, text or creation time.',
      },
    })
    .input(CustomerListQuerySchema)
    .output(CustomerListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listCustomers(ctx.readDb, ctx.scope, input)),
      url: '/v1/customers',
    })),

  retrieve: procedureWith('customers:read')
    .meta({
      openapi: { method: 'GET', path: '/v1/customers/{id}', tags, summary: 'Retrieve a customer' },
    })
    .input(CustomerIdInputSchema)
    .output(CustomerSchema)
    .query(({ ctx, input }) => retrieveCustomer(ctx.db, ctx.scope, input.id)),

  update: procedureWith('customers:write')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/v1/customers/{id}',
        tags,
        summary: 'Update a customer',
        description:
          'Only the fields sent change; metadata keys merge and `null` removes one. `defaultPaymentMethod` must be attached to this customer.',
      },
    })
    .input(CustomerUpdateSchema)
    .output(CustomerSchema)
    .mutation(({ ctx, input: { id, ...fields } }) =>
      updateCustomer(ctx.db, ctx.scope, id, fields, ctx.outbox),
    ),

  delete: procedureWith('customers:write')
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/v1/customers/{id}',
        tags,
        summary: 'Delete a customer',
        description:
          'The customer’s payments and history are kept; its email is free again; its subscriptions are canceled (`customer_deleted`) and its schedules’ remaining items too.',
      },
    })
    .input(CustomerIdInputSchema)
    .output(DeletedCustomerSchema)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction(async (tx) => {
        const customer = await deleteCustomer(tx, ctx.scope, input.id);
        const at = new Date();
        const subscriptions = await cancelSubscriptionsOfCustomer(tx, ctx.scope, input.id, at);
        const schedules = await cancelSchedulesOfCustomer(tx, ctx.scope, input.id, at);
        await ctx.outbox.record(tx, ctx.scope, [
          ...subscriptions.map((object) => ({
            type: 'subscription.canceled' as const,
            object,
            customerId: customer.id,
          })),
          ...schedules.map((object) => ({
            type: 'payment_schedule.canceled' as const,
            object,
            customerId: customer.id,
          })),
          { type: 'customer.deleted', object: customer, customerId: customer.id },
        ]);
        return { id: customer.id, object: 'customer' as const, deleted: true as const };
      }),
    ),

  merge: procedureWith('customers:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/customers/{id}/merge',
        tags,
        summary: 'Merge customers into this one',
        description:
          'One transaction: the payments, payment methods, subscriptions and schedules of `from` move to this customer (a card whose fingerprint it already has is detached; its default wins), its analytics are recomputed, it takes the `fields` chosen, and the others are deleted: their ids answer 404 `customer_merged` naming this one. Repeating a merge already done changes nothing.',
      },
    })
    .input(CustomerMergeSchema)
    .output(CustomerSchema)
    .mutation(({ ctx, input }) =>
      mergeCustomers(
        ctx.db,
        ctx.scope,
        input,
        { actor: ctx.auth.user?.id ?? ctx.auth.keyId, requestId: ctx.requestId },
        ctx.outbox,
      ),
    ),

  exportData: procedureWith('customers:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/customers/{id}/export',
        tags,
        summary: 'Export everything held about a customer',
        description:
          'One JSON document (GDPR articles 15 and 20): the customer as stored, their payments, payment methods (brand, last four digits and expiry; never fingerprints), subscriptions, schedules, the events about them still kept, and the audit log entries about them. Deleted, merged and redacted customers are exported too.',
      },
    })
    .input(CustomerIdInputSchema)
    .output(CustomerExportSchema)
    .query(({ ctx, input }) => exportCustomerData(ctx.db, ctx.scope, input.id)),

  redact: procedureWith('customers:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/customers/{id}/redact',
        tags,
        summary: 'Erase a customer’s personal data',
        description:
          'Irreversible (GDPR article 17). Name, email, phone, description and metadata become placeholders (the email `redacted+<id>@redacted.invalid`, so the real one is free again); cards are detached, subscriptions canceled and schedules’ remaining items canceled; payments keep amounts, currencies and dates, and lose any of the values inside their descriptions and metadata. The values are also erased from the customer’s events, stored Idempotency-Key answers and audit log values (the entries stay). Repeating it changes nothing and answers the same `redactedAt`, unless an update has written personal data since, which it erases again.',
      },
    })
    .input(CustomerIdInputSchema)
    .output(CustomerRedactionSchema)
    .mutation(({ ctx, input }) => redactCustomer(ctx.db, ctx.scope, input.id, ctx.outbox)),

  import: importCustomersProcedure,

  payments: procedureWith('payments:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/customers/{id}/payments',
        tags,
        summary: 'List a customer’s payments',
        description: 'Newest first, cursor-paginated.',
      },
    })
    .input(CustomerPaymentsQuerySchema)
    .output(PaymentListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listCustomerPayments(ctx.readDb, ctx.scope, input)),
      url: `/v1/customers/${input.id}/payments`,
    })),

  paymentMethods: procedureWith('payment_methods:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/customers/{id}/payment_methods',
        tags,
        summary: 'List a customer’s payment methods',
        description:
          'The cards attached to the customer (not detached ones), newest first, cursor-paginated.',
      },
    })
    .input(CustomerPaymentMethodsQuerySchema)
    .output(PaymentMethodListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listCustomerPaymentMethods(ctx.readDb, ctx.scope, input)),
      url: `/v1/customers/${input.id}/payment_methods`,
    })),

  analytics: procedureWith('payments:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/customers/{id}/analytics',
        tags,
        summary: 'Customer analytics',
        description:
          'Succeeded payments: count, last payment time, and total and average per currency (never summed across currencies).',
      },
    })
    .input(CustomerIdInputSchema)
    .output(CustomerAnalyticsSchema)
    .query(({ ctx, input }) => customerAnalytics(ctx.readDb, ctx.scope, input.id)),
});
