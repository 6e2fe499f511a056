import fp from 'fastify-plugin';
import type { Executor } from '../db/client.js';
import type { PaymentProcessor } from '../payments/processor.js';
import { runPeriodically } from '../periodic.js';
import { processorDecider } from './charges.js';
import { runBilling } from './engine.js';

/**
 * Billing inside the server: a pass over every account every `intervalSeconds`. The timer only
 * wakes billing up: what is due, and what was charged, lives in the database (the due indexes and
 * billing_attempts), so a pass may run in any number of processes at once, and a process killed
 * mid-pass leaves work the next pass anywhere finishes (see periodic.ts for the timer's rules).
 */
export const billingPlugin = fp<{
  db: Executor;
  processor: PaymentProcessor;
  intervalSeconds: number;
}>(
  (app, { db, processor, intervalSeconds }, done) => {
    const decide = processorDecider(processor);
    runPeriodically(app, {
      name: 'billing pass',
      intervalSeconds,
      task: async () => {
        const result = await runBilling(db, { at: new Date(), decide });
        const any = result.charged + result.failed + result.canceled + result.recovered > 0;
        app.log[any ? 'info' : 'debug']({ billing: result }, 'billing pass');
      },
    });
    done();
  },
  { name: 'billing' },
);
