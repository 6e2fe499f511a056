import fp from 'fastify-plugin';
import type { DatabaseHandle } from '../db/client.js';
import { WEBHOOK_DELIVERIES_CHANNEL } from '../events/outbox.js';
import { runPeriodically } from '../periodic.js';
import { deliverDueWebhooks, type DeliveryOptions } from './deliver.js';
import type { HostResolver } from './destinations.js';

export interface WebhookDeliveryConfig {
  /** A pass at least this often: retries falling due, and a NOTIFY that was missed. */
  intervalSeconds: number;
  resolve?: HostResolver | undefined;
  leaseMs?: number | undefined;
  batchSize?: number | undefined;
  concurrency?: number | undefined;
}

/** NOTIFYs arriving together (one per committed change) wake one pass. */
const WAKE_DEBOUNCE_MS = 25;
const DEFAULT_BATCH_SIZE = 500;

/**
 * Webhook delivery inside the server. A pass runs when a commit queued deliveries (the outbox's
 * NOTIFY, sent only at commit), and every `intervalSeconds` for retries. Passes never overlap in
 * one process; a wake-up during a pass, or a pass that found a full batch, runs another at once.
 * What is due and what was sent lives in the database (see deliver.ts), so any number of
 * processes may deliver together and a process killed mid-delivery loses nothing.
 */
export const webhooksPlugin = fp<WebhookDeliveryConfig & { database: DatabaseHandle }>(
  async (app, { database, intervalSeconds, ...config }) => {
    const batchSize = config.batchSize ?? DEFAULT_BATCH_SIZE;
    const options: Omit<DeliveryOptions, 'at'> = { ...config, batchSize };
    let running: Promise<void> | undefined;
    let again = false;
    let closing = false;
    const logFailure = (error: unknown) =>
      app.log.error({ err: error }, 'webhook delivery pass failed');

    const passes = async () => {
      do {
        again = false;
        const run = await deliverDueWebhooks(database.db, { ...options, at: new Date() });
        if (run.claimed >= batchSize) again = true;
        const { claimed, delivered, failed, retrying } = run;
        app.log[claimed > 0 ? 'info' : 'debug'](
          { webhooks: { claimed, delivered, failed, retrying } },
          'webhook delivery pass',
        );
      } while (again && !closing);
    };
    /** The pass in progress, or a new one; a call during a pass asks for one more after it. */
    const deliver = (): Promise<void> => {
      if (running) {
        again = true;
        return running;
      }
      running = passes().finally(() => {
        running = undefined;
        // Asked for between the last pass's end and here: not lost.
        if (again && !closing) void deliver().catch(logFailure);
      });
      return running;
    };

    runPeriodically(app, { name: 'webhook delivery pass', intervalSeconds, task: deliver });

    let wake: NodeJS.Timeout | undefined;
    const stopListening = await database.listen(WEBHOOK_DELIVERIES_CHANNEL, () => {
      if (closing || wake) return;
      wake = setTimeout(() => {
        wake = undefined;
        if (closing) return;
        deliver().catch(logFailure);
      }, WAKE_DEBOUNCE_MS).unref();
    });
    app.addHook('onClose', async () => {
      closing = true;
      clearTimeout(wake);
      await stopListening().catch((error: unknown) =>
        app.log.warn({ err: error }, 'could not stop listening for webhook deliveries'),
      );
      await running?.catch(() => undefined);
    });
  },
  { name: 'webhooks' },
);
