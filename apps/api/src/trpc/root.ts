import { createCallerFactory, router } from './init.js';
import { customersRouter } from './routers/customers.js';

export const appRouter = router({
  customers: customersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
