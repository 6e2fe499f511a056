import { createCallerFactory, router } from './init.js';
import { customersRouter } from './routers/customers.js';
import { paymentsRouter } from './routers/payments.js';

export const appRouter = router({
  customers: customersRouter,
  payments: paymentsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
