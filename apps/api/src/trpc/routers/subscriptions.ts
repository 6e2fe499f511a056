import {
  BillingRunInputSchema,
  BillingRunSchema,
  DomainError,
  SubscriptionCreateSchema,
  SubscriptionIdInputSchema,
  SubscriptionListQuerySchema,
  SubscriptionListSchema,
  SubscriptionSchema,
  SubscriptionUpdateSchema,
} from '@peasswap/domain';
import { processorDecider, resolveBillingPaymentMethod } from '../../billing/charges.js';
import { chargeFirstPeriod, runBilling } from '../../billing/engine.js';
import {
  cancelSubscription,
  insertSubscription,
  listSubscriptions,
  retrieveSubscription,
  updateSubscription,
} from '../../queries/subscriptions.js';
import { lockLiveCustomer } from '../../queries/customers.js';
import { procedureWith, router } from '../init.js';

const tags = ['Subscriptions'];

export const subscriptionsRouter = router({
  create: procedureWith('subscriptions:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/subscriptions',
        tags,
        summary: 'Create a subscription',
        description:
          'Without a trial the first period is charged at once: `active` when it succeeds, `incomplete` (never active) when it fails. With a trial the first charge falls when the trial ends.',
      },
    })
    .input(SubscriptionCreateSchema)
    .output(SubscriptionSchema)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction(async (tx) => {
        const at = new Date();
        await lockLiveCustomer(tx, ctx.scope, input.customer);
        const paymentMethod =
          input.defaultPaymentMethod === undefined
            ? null
            : await resolveBillingPaymentMethod(
                tx,
                ctx.scope,
                input.customer,
                input.defaultPaymentMethod,
              );
        const row = await insertSubscription(
          tx,
          ctx.scope,
          { ...input, defaultPaymentMethod: paymentMethod },
          at,
        );
        await chargeFirstPeriod(tx, ctx.scope, row.id, {
          at,
          decide: processorDecider(ctx.processor),
          outbox: ctx.outbox,
        });
        const subscription = await retrieveSubscription(tx, ctx.scope, row.id);
        await ctx.outbox.record(tx, ctx.scope, [
          { type: 'subscription.created', object: subscription, customerId: subscription.customer },
        ]);
        return subscription;
      }),
    ),

  list: procedureWith('subscriptions:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/subscriptions',
        tags,
        summary: 'List subscriptions',
        description: 'Newest first, cursor-paginated; filter by customer and status.',
      },
    })
    .input(SubscriptionListQuerySchema)
    .output(SubscriptionListSchema)
    .query(async ({ ctx, input }) => ({
      object: 'list' as const,
      ...(await listSubscriptions(ctx.readDb, ctx.scope, input)),
      url: '/v1/subscriptions',
    })),

  retrieve: procedureWith('subscriptions:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/subscriptions/{id}',
        tags,
        summary: 'Retrieve a subscription',
      },
    })
    .input(SubscriptionIdInputSchema)
    .output(SubscriptionSchema)
    .query(({ ctx, input }) => retrieveSubscription(ctx.db, ctx.scope, input.id)),

  update: procedureWith('subscriptions:write')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/v1/subscriptions/{id}',
        tags,
        summary: 'Update a subscription',
        description:
          '`cancelAtPeriodEnd: true` cancels when the current period ends (`false` before then undoes it); change the payment method or metadata.',
      },
    })
    .input(SubscriptionUpdateSchema)
    .output(SubscriptionSchema)
    .mutation(({ ctx, input }) =>
      updateSubscription(
        ctx.db,
        ctx.scope,
        input,
        (tx, customerId, paymentMethod) =>
          resolveBillingPaymentMethod(tx, ctx.scope, customerId, paymentMethod),
        ctx.outbox,
      ),
    ),

  cancel: procedureWith('subscriptions:write')
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/v1/subscriptions/{id}',
        tags,
        summary: 'Cancel a subscription now',
        description: 'Ends it at once (`cancellationReason: requested`); nothing more is charged.',
      },
    })
    .input(SubscriptionIdInputSchema)
    .output(SubscriptionSchema)
    .mutation(({ ctx, input }) =>
      cancelSubscription(ctx.db, ctx.scope, input.id, new Date(), ctx.outbox),
    ),
});

export const testHelpersRouter = router({
  billingRun: procedureWith('subscriptions:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/test_helpers/billing/run',
        tags: ['Test helpers'],
        summary: 'Run billing as if it were `at` (test mode only)',
        description:
          'Charges everything of this account’s test environment that is due by `at`, and answers what it did. A live key gets 404.',
      },
    })
    .input(BillingRunInputSchema)
    .output(BillingRunSchema)
    .mutation(({ ctx, input }) => {
      if (ctx.scope.livemode) {
        throw new DomainError(
          'route_missing',
          'Unrecognized request URL (POST: /v1/test_helpers/billing/run).',
        );
      }
      return runBilling(ctx.db, {
        at: new Date(input.at),
        scope: ctx.scope,
        decide: processorDecider(ctx.processor),
        outbox: ctx.outbox,
      });
    }),
});
