import {
  PaymentScheduleCreateSchema,
  PaymentScheduleIdInputSchema,
  PaymentScheduleListQuerySchema,
  PaymentScheduleListSchema,
  PaymentScheduleSchema,
} from '@peasswap/domain';
import { resolveBillingPaymentMethod } from '../../billing/charges.js';
import {
  cancelPaymentSchedule,
  createPaymentSchedule,
  listPaymentSchedules,
  retrievePaymentSchedule,
} from '../../queries/payment-schedules.js';
import { procedureWith, router } from '../init.js';

const tags = ['Payment schedules'];

// Schedules are billing, like subscriptions: the same permissions guard both.
export const paymentSchedulesRouter = router({
  create: procedureWith('subscriptions:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/payment_schedules',
        tags,
        summary: 'Create a payment schedule',
        description:
          'Plans 1 to 100 one-off payments for a customer, each charged once by billing when due (an item already due is charged by the next pass). Items are kept in due order.',
      },
    })
    .input(PaymentScheduleCreateSchema)
    .output(PaymentScheduleSchema)
    .mutation(({ ctx, input }) =>
      // The one rule for which payment methods may bill a customer, shared with subscriptions.
      createPaymentSchedule(
        ctx.db,
        ctx.scope,
        input,
        (tx, customerId, paymentMethod) =>
          resolveBillingPaymentMethod(tx, ctx.scope, customerId, paymentMethod, 'paymentMethod'),
        ctx.outbox,
      ),
    ),

  list: procedureWith('subscriptions:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/payment_schedules',
        tags,
        summary: 'List payment schedules',
        description: 'Newest first, cursor-paginated; filter by customer.',
      },
    })
    .input(PaymentScheduleListQuerySchema)
    .output(PaymentScheduleListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listPaymentSchedules(ctx.readDb, ctx.scope, input)),
      url: '/v1/payment_schedules',
    })),

  retrieve: procedureWith('subscriptions:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/payment_schedules/{id}',
        tags,
        summary: 'Retrieve a payment schedule',
      },
    })
    .input(PaymentScheduleIdInputSchema)
    .output(PaymentScheduleSchema)
    .query(({ ctx, input }) => retrievePaymentSchedule(ctx.db, ctx.scope, input.id)),

  cancel: procedureWith('subscriptions:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/payment_schedules/{id}/cancel',
        tags,
        summary: 'Cancel a payment schedule',
        description:
          'Cancels the items not yet charged; charged items keep their status and payment. Canceling again answers the schedule as it is.',
      },
    })
    .input(PaymentScheduleIdInputSchema)
    .output(PaymentScheduleSchema)
    .mutation(({ ctx, input }) =>
      cancelPaymentSchedule(ctx.db, ctx.scope, input.id, new Date(), ctx.outbox),
    ),
});
