import postgres from 'postgres';
import { claimBenchDatabase, cli, markBenchDatabaseSeeded, withDatabase } from './database.js';

/**
 * The billing benchmark's own database, apart from the API's 1M/10M one so that neither run
 * disturbs the other's data, statistics or plans: one account whose subscriptions are all due
 * (the renewals measured), and one whose subscriptions are all due later (what an empty pass must
 * not read). Customers come from the real CLI (`accounts create`, `seed`), subscriptions from one
 * set-based INSERT each. Recognised, reused and never touched when foreign, like database.ts's.
 */
const MARKER = 'peasswap-bench-billing:';

export interface BillingSeedState {
  due: number;
  idle: number;
  dueAccountId: string;
  idleAccountId: string;
  seconds: number;
  seededAt: string;
}

export interface BillingDatabase {
  url: string;
  name: string;
  state: BillingSeedState;
  reused: boolean;
}

export function billingDatabaseName(due: number, idle: number): string {
  return due === 100_000 && idle === 1_000_000
    ? 'peasswap_bench_billing'
    : `peasswap_bench_billing_${due}d_${idle}i`;
}

export async function prepareBillingDatabase(options: {
  adminUrl: string;
  due: number;
  idle: number;
  log: (line: string) => void;
}): Promise<BillingDatabase> {
  const { adminUrl, due, idle, log } = options;
  const name = billingDatabaseName(due, idle);
  const url = withDatabase(adminUrl, name);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const reusable = await claimBenchDatabase<BillingSeedState>({
      admin,
      name,
      marker: MARKER,
      matches: (state) => state.due === due && state.idle === idle,
      log: (line) => log(`billing: ${line}`),
    });
    if (reusable) {
      // Migrations added since the seed (a new index, say) apply to what is measured.
      await cli(['migrate'], url);
      return { url, name, state: reusable, reused: true };
    }

    log(`billing: seeding ${name}: ${due} due and ${idle} not-due subscriptions`);
    const started = performance.now();
    const dueAccountId = String(
      (await cli(['accounts', 'create', '--name', 'Billing due'], url)).accountId,
    );
    const idleAccountId = String(
      (await cli(['accounts', 'create', '--name', 'Billing not due'], url)).accountId,
    );
    await cli(['seed', '--account', dueAccountId, '--customers', String(due)], url);
    if (idle > 0) await cli(['seed', '--account', idleAccountId, '--customers', String(idle)], url);

    const db = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      await insertSubscriptions(db, dueAccountId, 'due');
      await insertSubscriptions(db, idleAccountId, 'idle');
      await db.unsafe('vacuum (analyze) customers, subscriptions');
    } finally {
      await db.end();
    }
    const state: BillingSeedState = {
      due,
      idle,
      dueAccountId,
      idleAccountId,
      seconds: (performance.now() - started) / 1000,
      seededAt: new Date().toISOString(),
    };
    await markBenchDatabaseSeeded(admin, name, MARKER, state);
    return { url, name, state, reused: false };
  } finally {
    await admin.end();
  }
}

/**
 * One monthly subscription per customer of the account, in the state a paid first period leaves
 * (`active`, period 0 of a cycle anchored a month back): `due` ones ended their period a minute
 * ago, so the next pass renews each into period 1; `idle` ones renew over the next 28 days.
 */
async function insertSubscriptions(db: postgres.Sql, accountId: string, kind: 'due' | 'idle') {
  await db`
    insert into subscriptions (id, account_id, livemode, customer_id, default_payment_method_id,
      amount, currency, interval, interval_count, status, billing_cycle_anchor, period_index,
      current_period_start, current_period_end, next_billing_at, created_at, updated_at)
    select 'sub_' || substr(md5(c.id), 1, 24), c.account_id, false, c.id, 'pm_card_visa',
           1000 + (abs(hashtext(c.id)) % 9000), 'usd', 'month', 1, 'active', t.anchor, 0,
           t.anchor, t.anchor + interval '1 month', t.anchor + interval '1 month',
           t.anchor, t.anchor
    from customers c,
      lateral (select case when ${kind}::text = 'due' then now() - interval '1 month' - interval '1 minute'
                           else now() - interval '1 month' + interval '1 day'
                                + interval '1 second' * (abs(hashtext(c.id)) % (27 * 86400))
                      end as anchor) as t
    where c.account_id = ${accountId} and c.livemode = false and c.deleted_at is null`;
}

/**
 * Back to the seeded state, so every run measures the same work: the due account's subscriptions
 * due again (period 0, a minute past its end), no billing attempts, payments or totals (this
 * database holds nothing else), the not-due ones still at least a day away, and VACUUM so no run
 * wades through the index entries and dead rows the previous one left.
 */
export async function resetBilling(url: string, state: BillingSeedState): Promise<void> {
  const db = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await db.begin(async (tx) => {
      await tx`truncate billing_attempts, payments, customer_payment_totals`;
      await tx`
        update subscriptions set status = 'active', period_index = 0, attempt_count = 0,
          billing_cycle_anchor = t.anchor, current_period_start = t.anchor,
          current_period_end = t.anchor + interval '1 month',
          next_billing_at = t.anchor + interval '1 month',
          latest_payment_id = null, cancel_at_period_end = false, canceled_at = null,
          ended_at = null, cancellation_reason = null, updated_at = now()
        from (select now() - interval '1 month' - interval '1 minute' as anchor) as t
        where account_id = ${state.dueAccountId}`;
      // A database reused for weeks: whatever would soon fall due moves a month on.
      await tx`
        update subscriptions set billing_cycle_anchor = billing_cycle_anchor + interval '1 month',
          current_period_start = current_period_start + interval '1 month',
          current_period_end = current_period_end + interval '1 month',
          next_billing_at = next_billing_at + interval '1 month'
        where account_id = ${state.idleAccountId} and next_billing_at < now() + interval '1 day'`;
    });
    await db.unsafe(
      'vacuum (analyze) subscriptions, billing_attempts, payments, customer_payment_totals',
    );
  } finally {
    await db.end();
  }
}

export interface BillingCheck {
  payments: number;
  subscriptionsPaidTwice: number;
  pendingAttempts: number;
  renewed: number;
  succeededInTotals: number;
  ok: boolean;
}

/** What a renewal run must leave: one payment per due subscription, nothing pending, all renewed. */
export async function checkBilling(
  url: string,
  state: BillingSeedState,
  at: Date,
): Promise<BillingCheck> {
  const db = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await db<Omit<BillingCheck, 'ok'>[]>`
      select
        (select count(*)::int from payments) as payments,
        (select count(*)::int from (select subscription_id from payments
           group by subscription_id having count(*) > 1) as twice) as "subscriptionsPaidTwice",
        (select count(*)::int from billing_attempts where state = 'pending') as "pendingAttempts",
        (select count(*)::int from subscriptions where account_id = ${state.dueAccountId}
           and status = 'active' and period_index = 1 and next_billing_at > ${at}) as renewed,
        (select coalesce(sum(succeeded_count), 0)::int from customer_payment_totals
           where account_id = ${state.dueAccountId}) as "succeededInTotals"`;
    if (!row) throw new Error('the check returned no row');
    const ok =
      row.payments === state.due &&
      row.subscriptionsPaidTwice === 0 &&
      row.pendingAttempts === 0 &&
      row.renewed === state.due &&
      row.succeededInTotals === state.due;
    return { ...row, ok };
  } finally {
    await db.end();
  }
}
