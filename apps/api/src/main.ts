import { openDatabase, type DatabaseHandle } from './db/client.js';
import { readEnv } from './env.js';
import { logFatal } from './logging.js';
import { buildServer } from './server.js';
import { setOutputChecks } from './trpc/output-checks.js';
import { appRouter } from './trpc/root.js';

const env = readEnv();
setOutputChecks(appRouter, env.OUTPUT_CHECKS);
let database: DatabaseHandle;
try {
  database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    readDatabaseUrl: env.DATABASE_READ_URL,
    dataDir: env.dataDir,
  });
  await database.migrate();
} catch (error) {
  // Not Node's own report of the error: a driver's message may quote what it was given.
  logFatal('could not open the database', error);
  process.exit(1);
}

const app = await buildServer({
  database,
  logLevel: env.LOG_LEVEL,
  rateLimit: {
    perSecond: env.RATE_LIMIT_PER_SECOND,
    burst: env.RATE_LIMIT_BURST,
    ...(env.RATE_LIMIT_STORE && { store: env.RATE_LIMIT_STORE }),
    authFailuresPerIp: {
      failures: env.RATE_LIMIT_AUTH_FAILURES_PER_IP,
      windowSeconds: env.RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS,
    },
    signInFailuresPerIp: {
      failures: env.RATE_LIMIT_SIGN_IN_FAILURES_PER_IP,
      windowSeconds: env.RATE_LIMIT_SIGN_IN_FAILURE_WINDOW_SECONDS,
    },
  },
  trustProxy: env.TRUST_PROXY,
  fingerprintSecret: env.FINGERPRINT_SECRET,
  ...(env.BILLING_INTERVAL_SECONDS > 0 && {
    billing: { intervalSeconds: env.BILLING_INTERVAL_SECONDS },
  }),
  ...(env.WEBHOOK_INTERVAL_SECONDS > 0 && {
    webhooks: { intervalSeconds: env.WEBHOOK_INTERVAL_SECONDS },
  }),
  duplicateKeys: true,
  ...(env.HOUSEKEEPING_INTERVAL_SECONDS > 0 && {
    housekeeping: { intervalSeconds: env.HOUSEKEEPING_INTERVAL_SECONDS },
  }),
});

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  // Stop accepting, let in-flight requests finish, then release the database.
  await app.close();
  await database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  await app.listen({ port: env.PORT, host: env.HOST });
} catch (error) {
  app.log.fatal({ err: error }, 'could not listen');
  await app.close();
  await database.close();
  process.exit(1);
}
app.log.info(
  { database: database.engine, dataDir: database.engine === 'pglite' ? env.dataDir : undefined },
  `PeasSwap Customers on http://${env.HOST}:${env.PORT} (dashboard /, REST /v1, docs /docs)`,
);
