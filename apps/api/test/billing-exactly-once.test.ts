import { createServer } from 'node:net';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type DatabaseHandle } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { engine } from './harness.js';
import { exitOf, isolatedStore, runCli, startServerProcess, waitForHttp } from './processes.js';

/**
 * SPEC §6's promise under the worst conditions this machine can make: 2,000 subscriptions due at
 * once, two server processes and a `billing run` from the CLI billing them at the same time, one
 * server killed with SIGKILL in the middle of its pass. Exactly one payment per subscription and
 * period must come out, the analytics must agree, and another pass must find nothing to charge.
 * PostgreSQL only: PGlite is one process's database, so two processes cannot share it.
 */
const SUBSCRIPTIONS = 2_000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function count(database: DatabaseHandle, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await database.db.execute(query));
  return Number(row?.n ?? 0);
}

/** 2,000 trialing subscriptions whose trial ended a minute ago: all due now. */
async function seedDueSubscriptions(database: DatabaseHandle, accountId: string) {
  await database.db.execute(sql`
    insert into customers (id, account_id, livemode, name, email, email_identity)
    select 'cus_eo' || i, ${accountId}, false, 'Due ' || i, 'due' || i || '@example.com',
           'due' || i || '@example.com'
    from generate_series(1, ${SUBSCRIPTIONS}) as i`);
  await database.db.execute(sql`
    insert into subscriptions (id, account_id, livemode, customer_id, default_payment_method_id,
      amount, currency, interval, interval_count, status, billing_cycle_anchor, period_index,
      current_period_start, current_period_end, trial_start, trial_end, next_billing_at)
    select 'sub_eo' || i, ${accountId}, false, 'cus_eo' || i, 'pm_card_visa', 1000 + i, 'usd',
           'month', 1, 'trialing', now() - interval '1 minute', -1,
           now() - interval '15 days', now() - interval '1 minute',
           now() - interval '15 days', now() - interval '1 minute', now() - interval '1 minute'
    from generate_series(1, ${SUBSCRIPTIONS}) as i`);
}

describe.runIf(engine === 'postgres')('billing exactly once, across processes and a crash', () => {
  it('charges 2,000 due subscriptions exactly once with two servers, the CLI and a kill -9', async () => {
    const store = await isolatedStore();
    const database = await openDatabase({
      databaseUrl: store.env.DATABASE_URL,
      dataDir: 'memory://',
    });
    const servers: ReturnType<typeof startServerProcess>[] = [];
    try {
      await database.migrate();
      const { account } = await createAccountWithKeys(database.db, 'Exactly once merchant');
      await seedDueSubscriptions(database, account.id);
      const payments = () => count(database, sql`select count(*) as n from payments`);

      const env = { ...store.env, BILLING_INTERVAL_SECONDS: '1', LOG_LEVEL: 'warn' };
      const ports = [await freePort(), await freePort()];
      for (const port of ports) servers.push(startServerProcess({ ...env, PORT: String(port) }));
      const cli = runCli(['billing', 'run', '--json'], store.env);

      // Kill the first server once billing is well under way, mid-pass.
      const started = Date.now();
      while ((await payments()) < SUBSCRIPTIONS / 5 && Date.now() - started < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const victim = servers[0];
      victim?.kill('SIGKILL');
      if (victim) await exitOf(victim);
      expect(victim?.signalCode).toBe('SIGKILL');
      const killedAt = await payments();
      expect(killedAt).toBeLessThan(SUBSCRIPTIONS);

      const cliRun = await cli;
      expect(cliRun.code, cliRun.stderr).toBe(0);
      // The surviving server's passes (every second) finish the rest, the dead one's included.
      await waitForHttp(`http://127.0.0.1:${ports[1]}/readyz`);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const pending = await count(
          database,
          sql`select count(*) as n from billing_attempts where state = 'pending'`,
        );
        if (pending === 0 && (await payments()) >= SUBSCRIPTIONS) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      expect(await payments()).toBe(SUBSCRIPTIONS);
      expect(
        await count(
          database,
          sql`select count(*) as n from (
              select subscription_id from payments group by subscription_id having count(*) <> 1
            ) as twice`,
        ),
      ).toBe(0);
      expect(
        await count(
          database,
          sql`select count(*) as n from subscriptions where status <> 'active'`,
        ),
      ).toBe(0);
      const verify = await runCli(['analytics', 'verify', '--json'], store.env);
      expect(verify.code, verify.stdout).toBe(0);

      // The run's figures, for the record (the closing note quotes them).
      process.stdout.write(
        `exactly once: ${SUBSCRIPTIONS} due; server killed at ${killedAt} payments; CLI pass ${cliRun.stdout.trim()}; ${await payments()} payments in all\n`,
      );
      const again = await runCli(['billing', 'run', '--json'], store.env);
      expect(JSON.parse(again.stdout)).toMatchObject({ charged: 0, failed: 0, recovered: 0 });
      expect(await payments()).toBe(SUBSCRIPTIONS);
    } finally {
      for (const child of servers) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await exitOf(child);
        }
      }
      await database.close();
      await store.cleanup();
    }
  }, 180_000);
});
