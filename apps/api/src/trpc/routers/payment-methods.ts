import {
  cardToSave,
  PaymentMethodAttachSchema,
  PaymentMethodCreateSchema,
  PaymentMethodIdInputSchema,
  PaymentMethodSchema,
} from '@peasswap/domain';
import {
  attachPaymentMethod,
  createPaymentMethod,
  detachPaymentMethod,
  retrievePaymentMethod,
} from '../../queries/payment-methods.js';
import { procedureWith, router } from '../init.js';

const tags = ['Payment methods'];

export const paymentMethodsRouter = router({
  create: procedureWith('payment_methods:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/payment_methods',
        tags,
        summary: 'Create a payment method',
        description:
          'Checks the card (Luhn, expiry, security code) and keeps its brand, last four digits, expiry and fingerprint: the number and CVC are never stored or logged. With `customer`, attaches it at once; a card that declines outright cannot be attached (`card_declined`, `insufficient_funds`).',
      },
    })
    .input(PaymentMethodCreateSchema)
    .output(PaymentMethodSchema)
    .mutation(async ({ ctx, input: { card, customer } }) => {
      // The number goes no further than this line: the query gets what may be kept of it.
      const fingerprint = await ctx.cardHashing.fingerprint(ctx.scope.accountId, card.number);
      const saved = { ...cardToSave({ ...card, digits: card.number }), fingerprint };
      return createPaymentMethod(ctx.db, ctx.scope, { card: saved, customer }, ctx.outbox);
    }),

  retrieve: procedureWith('payment_methods:read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/payment_methods/{id}',
        tags,
        summary: 'Retrieve a payment method',
      },
    })
    .input(PaymentMethodIdInputSchema)
    .output(PaymentMethodSchema)
    .query(({ ctx, input }) => retrievePaymentMethod(ctx.db, ctx.scope, input.id)),

  attach: procedureWith('payment_methods:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/payment_methods/{id}/attach',
        tags,
        summary: 'Attach a payment method to a customer',
        description:
          'Once attached, it is charged as that customer’s. A card attached to another customer, or detached once, cannot be attached (`payment_method_unexpected_state`).',
      },
    })
    .input(PaymentMethodAttachSchema)
    .output(PaymentMethodSchema)
    .mutation(({ ctx, input }) =>
      attachPaymentMethod(ctx.db, ctx.scope, input.id, input.customer, ctx.outbox),
    ),

  detach: procedureWith('payment_methods:write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/payment_methods/{id}/detach',
        tags,
        summary: 'Detach a payment method from its customer',
        description:
          'For good: a detached card cannot be charged or attached again. If it was the customer’s default payment method, the customer has none afterwards.',
      },
    })
    .input(PaymentMethodIdInputSchema)
    .output(PaymentMethodSchema)
    .mutation(({ ctx, input }) => detachPaymentMethod(ctx.db, ctx.scope, input.id, ctx.outbox)),
});
