import { createCallerFactory, router } from './init.js';
import { apiKeysRouter } from './routers/api-keys.js';
import { auditLogRouter } from './routers/audit-log.js';
import { customersRouter } from './routers/customers.js';
import { duplicatesRouter } from './routers/duplicates.js';
import { eventsRouter } from './routers/events.js';
import { paymentMethodsRouter } from './routers/payment-methods.js';
import { paymentSchedulesRouter } from './routers/payment-schedules.js';
import { paymentsRouter } from './routers/payments.js';
import { sessionRouter } from './routers/session.js';
import { subscriptionsRouter, testHelpersRouter } from './routers/subscriptions.js';
import { usersRouter } from './routers/users.js';
import { webhookEndpointsRouter } from './routers/webhook-endpoints.js';

export const appRouter = router({
  customers: customersRouter,
  payments: paymentsRouter,
  paymentMethods: paymentMethodsRouter,
  session: sessionRouter,
  apiKeys: apiKeysRouter,
  subscriptions: subscriptionsRouter,
  paymentSchedules: paymentSchedulesRouter,
  testHelpers: testHelpersRouter,
  events: eventsRouter,
  duplicates: duplicatesRouter,
  webhookEndpoints: webhookEndpointsRouter,
  auditLog: auditLogRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
