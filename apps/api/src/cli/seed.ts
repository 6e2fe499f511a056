import { sql } from 'drizzle-orm';
import { rowsOf, type Database, type Executor } from '../db/client.js';
import type { Scope } from '../queries/scope.js';
import { UsageError } from './output.js';

const CUSTOMER_BATCH = 50_000;
/** Payments per statement: big enough to amortise a round trip, small enough to show progress. */
const PAYMENT_BATCH = 100_000;
/** The customer the analytics benchmark reads: this many payments, or a tenth of a small seed. */
export const HEAVY_CUSTOMER_PAYMENTS = 100_000;
/** Customers' creation times are spread evenly over this many days before now. */
const CUSTOMER_SPAN_DAYS = 730;

export type Progress = (message: string) => void;

function rate(rows: number, seconds: number): number {
  return Math.round(rows / Math.max(seconds, 1e-9));
}

/**
 * Fill an account with synthetic customers, generated inside the database (INSERT ... SELECT over
 * generate_series) so a million rows take seconds, not a million round trips. Ids are 24 random
 * hex characters: valid ids of our shape, just drawn from a smaller alphabet.
 */
export async function seedCustomers(
  db: Database,
  scope: Scope,
  count: number,
  progress: Progress = () => undefined,
) {
  const started = performance.now();
  const runTag = Date.now().toString(36);
  await db.transaction(async (tx) => {
    await bulkLoadSettings(tx);
    const finishLoad = await deferUpkeep(tx, 'customers', count);
    for (let offset = 0; offset < count; offset += CUSTOMER_BATCH) {
      const size = Math.min(CUSTOMER_BATCH, count - offset);
      await tx.execute(sql`
        insert into customers (id, account_id, livemode, name, email, email_identity, phone, metadata, created_at, updated_at, mailbox_identity, name_key)
        select
          'cus_' || substr(md5(random()::text || clock_timestamp()::text || g), 1, 24),
          ${scope.accountId}, ${scope.livemode},
          first || ' ' || last || ' ' || g,
          email,
          email,
          '+1415555' || lpad((g % 10000)::text, 4, '0'),
          '{}'::jsonb,
          created_at,
          created_at,
          -- The duplicate keys, as domain mailboxIdentity and nameKey make them for exactly these
          -- values (an example.com address is itself; a name's words lower-cased and sorted, the
          -- number first): test/cli.test.ts checks them against the domain.
          email,
          g || ' ' || least(lower(first) collate "C", lower(last) collate "C")
            || ' ' || greatest(lower(first) collate "C", lower(last) collate "C")
        from generate_series(${offset + 1}::int, ${offset + size}::int) as g,
          lateral (select now() - interval '1 day' * ${CUSTOMER_SPAN_DAYS}::float8
                     * ((${count}::int - g + 1)::float8 / ${count}::int) as created_at) as t,
          lateral (select
            (array['Ada','Grace','Alan','Katherine','Edsger','Barbara','Donald','Frances','Ken','Radia'])[1 + g % 10] as first,
            (array['Lovelace','Hopper','Turing','Johnson','Dijkstra','Liskov','Knuth','Allen','Thompson','Perlman'])[1 + (g / 10) % 10] as last,
            'customer' || g || '.' || ${runTag} || '@example.com' as email) as n
      `);
      progress(`customers: ${offset + size} of ${count}`);
    }
    await finishLoad(progress);
  });
  const seconds = (performance.now() - started) / 1000;
  return { customers: count, seconds, rowsPerSecond: rate(count, seconds) };
}

/**
 * Settings for this transaction only: the generators' row estimates are wild, so JIT would spend
 * longer compiling than the statements run; sorts, aggregates and index builds stay in memory.
 */
async function bulkLoadSettings(tx: Executor): Promise<void> {
  await tx.execute(sql`set local jit = off`);
  await tx.execute(sql`set local work_mem = '256MB'`);
  await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
}

/** Loads at least this big, and at least as big as the table already is, defer its upkeep. */
const DEFER_THRESHOLD = 100_000;

interface Deferred {
  name: string;
  dropSql: string;
  createSql: string;
}

/**
 * A big load is dominated by upkeep, not by writing rows: random-key B-tree inserts, GIN trigram
 * updates, and a foreign-key trigger per row (a lookup and a row lock each). Building each index
 * once afterwards and validating each foreign key with one set-based check is several times
 * faster. So drop the table's foreign keys and (unless `keepIndexes`) its indexes, keeping any
 * index another table's foreign key relies on, and answer a function that recreates all of them
 * from the definitions the database itself reported: the schema ends exactly as migrated, and
 * re-adding a foreign key validates every row. All inside the caller's transaction, so on any
 * failure nothing was ever dropped. The price is an exclusive lock on the table until commit,
 * which is why small seeds skip it.
 */
async function deferUpkeep(
  tx: Executor,
  table: 'customers' | 'payments' | 'customer_payment_totals',
  rows: number,
  options: { keepIndexes?: boolean } = {},
): Promise<(progress: Progress) => Promise<void>> {
  const [size] = rowsOf<{ rows: string }>(
    await tx.execute(
      sql`select greatest(reltuples, 0)::bigint::text as rows from pg_class where oid = ${table}::regclass`,
    ),
  );
  if (rows < DEFER_THRESHOLD || rows < Number(size?.rows ?? 0)) return () => Promise.resolve();
  const indexes = options.keepIndexes
    ? []
    : rowsOf<Deferred>(
        await tx.execute(sql`
          select i.relname as name,
            case when c.oid is null then format('drop index %I.%I', ns.nspname, i.relname)
                 else format('alter table %s drop constraint %I', x.indrelid::regclass, c.conname)
            end as "dropSql",
            case when c.oid is null then pg_get_indexdef(x.indexrelid)
                 else format('alter table %s add constraint %I %s', x.indrelid::regclass,
                             c.conname, pg_get_constraintdef(c.oid))
            end as "createSql"
          from pg_index x
          join pg_class i on i.oid = x.indexrelid
          join pg_namespace ns on ns.oid = i.relnamespace
          left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = x.indrelid
          where x.indrelid = ${table}::regclass
            and not exists (
              select 1 from pg_constraint f where f.contype = 'f' and f.conindid = x.indexrelid)
          order by x.indisprimary desc, i.relname
        `),
      );
  const foreignKeys = rowsOf<Deferred>(
    await tx.execute(sql`
      select conname as name,
        format('alter table %s drop constraint %I', conrelid::regclass, conname) as "dropSql",
        format('alter table %s add constraint %I %s', conrelid::regclass, conname,
               pg_get_constraintdef(oid)) as "createSql"
      from pg_constraint
      where contype = 'f' and conrelid = ${table}::regclass
      order by conname
    `),
  );
  const deferred = [...foreignKeys, ...indexes];
  for (const item of deferred) await tx.execute(sql.raw(item.dropSql));
  return async (progress) => {
    // Indexes first: the primary key's, then the rest; foreign keys are validated last.
    for (const item of [...indexes, ...foreignKeys]) {
      progress(`rebuilding ${item.name}`);
      await tx.execute(sql.raw(item.createSql));
    }
  };
}

export interface PaymentSeedResult {
  payments: number;
  /** customer_payment_totals rows written (inserted or added to). */
  totals: number;
  heavyCustomer: { id: string; payments: number } | null;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * Fill an account with synthetic payments spread over its live customers, set-based and in one
 * transaction (all or nothing). The oldest live customer gets {@link HEAVY_CUSTOMER_PAYMENTS}
 * payments; the others share the rest with exponentially distributed weights (many with a few,
 * some with none, a long tail with dozens). Each customer mostly pays in a home currency, ~5% of
 * payments fail with a failure code and the decline test method that causes it, and each payment
 * falls between its customer's creation and now.
 *
 * Each batch statement inserts payments and, from the very rows it inserted (RETURNING), adds to
 * `customer_payment_totals` exactly what `createPayment` would have: succeeded payments only, per
 * customer and currency, as an upsert onto any existing totals.
 */
export async function seedPayments(
  db: Database,
  scope: Scope,
  count: number,
  progress: Progress = () => undefined,
): Promise<PaymentSeedResult> {
  const started = performance.now();
  if (count === 0)
    return { payments: 0, totals: 0, heavyCustomer: null, seconds: 0, rowsPerSecond: 0 };
  const outcome = await db.transaction(async (tx) => {
    await bulkLoadSettings(tx);
    const customerCount = await planPayments(tx, scope, count);
    if (customerCount === 0) {
      throw new UsageError('--payments needs live customers: add --customers or seed them first');
    }
    const [heavy] = rowsOf<{ id: string; payments: string }>(
      await tx.execute(
        sql`select customer_id as id, (last_g - first_g + 1)::text as payments from seed_plan where n = 1`,
      ),
    );
    const batches = rowsOf<{ lo: string; hi: string; payments: string }>(
      await tx.execute(sql`
        select min(n)::text as lo, max(n)::text as hi, sum(greatest(last_g - first_g + 1, 0))::text as payments
        from seed_plan group by (first_g - 1) / ${PAYMENT_BATCH}::int order by min(n)
      `),
    );
    const finishLoad = await deferUpkeep(tx, 'payments', count);
    // The totals keep their primary key: each batch's upsert needs it as the conflict arbiter.
    const finishTotals = await deferUpkeep(tx, 'customer_payment_totals', count, {
      keepIndexes: true,
    });
    let inserted = 0;
    let totals = 0;
    for (const batch of batches) {
      totals += await insertPaymentBatch(tx, scope, Number(batch.lo), Number(batch.hi));
      inserted += Number(batch.payments);
      progress(`payments: ${inserted} of ${count}`);
    }
    await finishLoad(progress);
    await finishTotals(progress);
    return {
      totals,
      heavyCustomer: heavy ? { id: heavy.id, payments: Number(heavy.payments) } : null,
    };
  });
  const seconds = (performance.now() - started) / 1000;
  return { payments: count, ...outcome, seconds, rowsPerSecond: rate(count, seconds) };
}

/**
 * One row per live customer in `seed_plan` (a temporary table, gone at commit): customer `n` gets
 * payments `first_g..last_g` of 1..count. `n` = 1 is the oldest customer, the heavy one; the rest
 * follow in id order, so batches walk the customers' primary key (foreign-key checks) and the
 * totals' primary key in order instead of at random. Cumulative weights scaled to the payments
 * left after the heavy customer make the ranges add up to exactly `count`.
 */
async function planPayments(tx: Executor, scope: Scope, count: number): Promise<number> {
  await tx.execute(sql`
    create temporary table seed_plan (
      n bigint primary key,
      customer_id text not null,
      customer_created_at timestamptz not null,
      home_currency text not null,
      first_g bigint not null,
      last_g bigint not null
    ) on commit drop
  `);
  const live = sql`account_id = ${scope.accountId} and livemode = ${scope.livemode} and deleted_at is null`;
  const [counted] = rowsOf<{ customers: string }>(
    await tx.execute(sql`select count(*)::text as customers from customers where ${live}`),
  );
  const customers = Number(counted?.customers ?? 0);
  if (customers === 0) return 0;
  const heavy = customers === 1 ? count : Math.min(HEAVY_CUSTOMER_PAYMENTS, Math.floor(count / 10));
  const [oldest] = rowsOf<{ id: string }>(
    await tx.execute(sql`select id from customers where ${live} order by created_at, id limit 1`),
  );
  await tx.execute(sql`
    insert into seed_plan (n, customer_id, customer_created_at, home_currency, first_g, last_g)
    select n, id, created_at, home_currency, coalesce(lag(cum) over (order by n), 0) + 1, cum
    from (
      select n, id, created_at, home_currency,
        case when n = 1 then ${heavy}::bigint
             else ${heavy}::bigint
               + floor(${count - heavy}::float8 * running / max(running) over ())::bigint
        end as cum
      from (
        select n, id, created_at, w, home_currency, sum(w) over (order by n) as running
        from (
          select row_number() over (order by id <> ${oldest?.id ?? ''}, id) as n, id, created_at,
            -ln(1 - random()) as w,
            case when r < 0.45 then 'usd' when r < 0.65 then 'eur' when r < 0.77 then 'gbp'
                 when r < 0.83 then 'cad' when r < 0.88 then 'aud' when r < 0.93 then 'jpy'
                 when r < 0.96 then 'chf' when r < 0.98 then 'sek' else 'inr' end as home_currency
          from (select id, created_at, random() as r from customers where ${live}) as c
        ) as numbered
      ) as weighted
    ) as ranged
  `);
  return customers;
}

/** Insert the payments of customers lo..hi and add the succeeded ones to their totals. */
async function insertPaymentBatch(tx: Executor, scope: Scope, lo: number, hi: number) {
  const { accountId, livemode } = scope;
  const result = await tx.execute(sql`
    with drawn as (
      select p.customer_id, p.customer_created_at, p.home_currency, g,
        random() as r_status, random() as r_currency, random() as r_amount, random() as r_time
      from seed_plan p cross join lateral generate_series(p.first_g, p.last_g) as g
      where p.n between ${lo}::bigint and ${hi}::bigint
    ),
    generated as (
      select
        'pay_' || substr(md5(random()::text || g::text), 1, 24) as id,
        customer_id,
        case when r_currency < 0.9 then home_currency
             else (array['usd','eur','gbp','cad','aud','jpy','chf','sek','inr'])[1 + floor(r_currency * 90)::int % 9]
        end as currency,
        -- log-uniform between 50 and 200,000 minor units
        floor(exp(ln(50) + r_amount * ln(4000)))::int as amount,
        case when r_status < 0.035 then 'card_declined'
             when r_status < 0.05 then 'insufficient_funds' end as failure_code,
        case when g % 2 = 0 then 'Order ' || g end as description,
        customer_created_at + (now() - customer_created_at) * r_time as created_at
      from drawn
    ),
    inserted as (
      insert into payments (id, account_id, livemode, customer_id, amount, currency,
                            payment_method_id, status, failure_code, description, metadata, created_at)
      select id, ${accountId}, ${livemode}, customer_id, amount, currency,
        case failure_code when 'card_declined' then 'pm_card_chargeDeclined'
                          when 'insufficient_funds' then 'pm_card_chargeDeclinedInsufficientFunds'
                          else 'pm_card_visa' end,
        case when failure_code is null then 'succeeded' else 'failed' end,
        failure_code, description, '{}'::jsonb, created_at
      from generated
      order by created_at
      returning customer_id, currency, amount, status, created_at
    ),
    totals as (
      insert into customer_payment_totals as t
        (account_id, livemode, customer_id, currency, succeeded_count, total, last_payment_at)
      select ${accountId}, ${livemode}, customer_id, currency, count(*), sum(amount), max(created_at)
      from inserted
      where status = 'succeeded' and customer_id is not null
      group by customer_id, currency
      on conflict (account_id, livemode, customer_id, currency) do update set
        succeeded_count = t.succeeded_count + excluded.succeeded_count,
        total = t.total + excluded.total,
        last_payment_at = greatest(t.last_payment_at, excluded.last_payment_at)
      returning 1
    )
    select count(*)::text as totals from totals
  `);
  return Number(rowsOf<{ totals: string }>(result)[0]?.totals ?? 0);
}

/** Fresh planner statistics, so the first queries after a big seed plan with real numbers. */
export async function analyzeSeededTables(db: Database): Promise<void> {
  await db.execute(sql`analyze customers, payments, customer_payment_totals`);
}
