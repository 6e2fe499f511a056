import type { FastifyInstance } from 'fastify';

/**
 * Run `task` inside the server: once when it is ready, then every `intervalSeconds`. Runs never
 * overlap; the timer never keeps the process alive; closing the server stops the timer and waits
 * for a run in progress, so the database is not closed under it. A failed run is logged and the
 * next one goes ahead. What the task does must live in the database, not here: this only wakes it.
 */
export function runPeriodically(
  app: FastifyInstance,
  options: { name: string; intervalSeconds: number; task: () => Promise<void> },
): void {
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    running ??= options
      .task()
      .catch((error: unknown) => app.log.error({ err: error }, `${options.name} failed`))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', (hookDone) => {
    run();
    timer = setInterval(run, options.intervalSeconds * 1000).unref();
    hookDone();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
