import { openDatabase } from '../src/db/client.js';
import { readEnv } from '../src/env.js';
import { buildServer } from '../src/server.js';

/**
 * The benchmark's control: the real server with the outbox switched off (`recordEvents: false`),
 * so `pnpm bench` can measure what writing an event costs a request, on the same database in the
 * same run. Never a way to run the product: every change writes its event there.
 */
const env = readEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
await database.migrate();
const app = await buildServer({
  database,
  logLevel: env.LOG_LEVEL,
  rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST },
  recordEvents: false,
});
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
await app.listen({ port: env.PORT, host: env.HOST });
