import fp from 'fastify-plugin';
import type { Executor } from '../db/client.js';
import type { PaymentProcessor } from '../payments/processor.js';
import { processorDecider } from './charges.js';
import { runBilling } from './engine.js';

/**
 * Billing inside the server: a pass over every account every `intervalSeconds`. The timer only
 * wakes billing up: what is due, and what was charged, lives in the database (the due indexes and
 * billing_attempts), so a pass may run in any number of processes at once, and a process killed
 * mid-pass leaves work the next pass anywhere finishes. Passes in one process never overlap;
 * closing the server waits for the one in progress.
 */
export const billingPlugin = fp<{
  db: Executor;
  processor: PaymentProcessor;
  intervalSeconds: number;
}>(
  (app, { db, processor, intervalSeconds }, done) => {
    let running: Promise<void> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const decide = processorDecider(processor);
    const run = () => {
      running ??= runBilling(db, { at: new Date(), decide })
        .then(
          (result) => {
            const any = result.charged + result.failed + result.canceled + result.recovered > 0;
            app.log[any ? 'info' : 'debug']({ billing: result }, 'billing pass');
          },
          (error: unknown) => app.log.error({ err: error }, 'billing pass failed'),
        )
        .finally(() => {
          running = undefined;
        });
    };
    app.addHook('onReady', (hookDone) => {
      run();
      timer = setInterval(run, intervalSeconds * 1000).unref();
      hookDone();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
    done();
  },
  { name: 'billing' },
);
