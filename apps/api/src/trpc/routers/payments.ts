import {
  PaymentCreateSchema,
  PaymentIdInputSchema,
  PaymentListQuerySchema,
  PaymentListSchema,
  PaymentSchema,
} from '@peasswap/domain';
import { createPayment, listPayments, retrievePayment } from '../../queries/payments.js';
import { procedureWith, router } from '../init.js';

const tags = ['Payments'];

export const paymentsRouter = router({
  create: procedureWith('payments:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/payments',
        tags,
        summary: 'Create a payment',
        description:
          'Charges at once (simulated): succeeds unless the payment method is a decline test method. Send an Idempotency-Key so a retry never charges twice.',
      },
    })
    .input(PaymentCreateSchema)
    .output(PaymentSchema)
    .mutation(({ ctx, input }) =>
      createPayment(ctx.db, ctx.scope, input, ctx.processor, ctx.outbox),
    ),

  list: procedureWith('payments:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/payments',
        tags,
        summary: 'List payments',
        description:
          'Newest first, cursor-paginated; `customer=` keeps listing a deleted customer’s payments.',
      },
    })
    .input(PaymentListQuerySchema)
    .output(PaymentListSchema)
    .query(async ({ ctx, input: { customer, ...params } }) => ({
      object: 'list' as const,
      ...(await listPayments(ctx.readDb, ctx.scope, { ...params, customerId: customer })),
      url: '/v1/payments',
    })),

  retrieve: procedureWith('payments:read')
    .meta({
      openapi: { method: 'GET', path: '/v1/payments/{id}', tags, summary: 'Retrieve a payment' },
    })
    .input(PaymentIdInputSchema)
    .output(PaymentSchema)
    .query(({ ctx, input }) => retrievePayment(ctx.db, ctx.scope, input.id)),
});
