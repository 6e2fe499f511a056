import postgres from 'postgres';
import { seedCustomers, analyzeSeededTables } from '../src/cli/seed.js';
import { openDatabase } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { backfillDuplicateKeys } from '../src/queries/duplicate-keys.js';
import { findCustomerDuplicates, findDuplicateGroups } from '../src/queries/duplicates.js';
import { percentile, withScratchDatabase } from './scratch.js';

/**
 * The duplicate finder at scale, on a database of its own (`peasswap_bench_duplicates`, created
 * and dropped by each run): the seed's customers plus 1% planted duplicate pairs of four known
 * kinds, then the keys backfilled (as a server does at start), then the full scan for groups, a
 * sample of per-customer checks, and precision and recall against the planted pairs.
 *
 * Planted kinds (each a quarter of the pairs):
 * - `email`: the same Gmail mailbox behind dots, a `+tag` and googlemail.com, names reordered;
 * - `phone`: the same phone, the name with and without its accents;
 * - `card`: a card with the same fingerprint, names abbreviated;
 * - `name`: nothing shared but the name (accents and case differ): found only by a customer's own
 *   check (trigrams), never by the group scan, by design.
 */
const DATABASE = 'peasswap_bench_duplicates';
const SAMPLE = 200;

export interface DuplicatesBenchReport {
  customers: number;
  plantedPairs: number;
  seedSeconds: number;
  backfill: { rows: number; seconds: number; rowsPerSecond: number };
  scan: {
    seconds: number;
    groups: number;
    pairs: number;
    /** Of the pairs the scan reports, the planted ones. */
    precision: number;
    /** Of the planted pairs the scan can find (not `name`), those in one group. */
    recall: number;
  };
  check: {
    samples: number;
    p50Ms: number;
    p99Ms: number;
    /** Of the sampled planted customers, those whose twin is among their candidates, by kind. */
    recallByKind: Record<string, number>;
    /** Of the candidates the sampled customers got, the planted twins. */
    precision: number;
  };
}

const KINDS = ['email', 'phone', 'card', 'name'] as const;
type Kind = (typeof KINDS)[number];

export async function runDuplicatesBench(options: {
  adminUrl: string;
  customers: number;
  log: (line: string) => void;
}): Promise<DuplicatesBenchReport> {
  return withScratchDatabase(options.adminUrl, DATABASE, (databaseUrl) =>
    measureDuplicates(databaseUrl, options),
  );
}

async function measureDuplicates(
  databaseUrl: string,
  options: { customers: number; log: (line: string) => void },
): Promise<DuplicatesBenchReport> {
  const { log } = options;
  const handle = await openDatabase({ databaseUrl, dataDir: 'unused', poolSize: 4 });
  const raw = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await handle.migrate();
    const { account } = await createAccountWithKeys(handle.db, 'Duplicates bench');
    const scope = { accountId: account.id, livemode: false };
    const started = performance.now();
    await seedCustomers(handle.db, scope, options.customers, (line) => log(`duplicates: ${line}`));

    // 1% planted pairs: a base and its twin, ids marking kind and number.
    const pairs = Math.floor(options.customers / 100);
    await raw`
      insert into customers (id, account_id, livemode, name, email, email_identity, phone, created_at, updated_at)
      select id, ${scope.accountId}, false, name, email, lower(email), phone, now(), now()
      from (
        select k, kind, side,
          'cus_plant' || kind || side || lpad(k::text, 13, '0') as id,
          case kind
            when 0 then case side when 0 then 'Plant' || k || ' Person' else 'Person, Plant' || k end
            when 1 then case side when 0 then 'Jürgen Müller' || k else 'Jurgen Muller' || k end
            when 2 then case side when 0 then 'Card Holder' || k else 'Card Holder' || k || ' Jr' end
            else case side when 0 then 'Zoë Ångström' || k else 'zoe angstrom' || k end
          end as name,
          case kind
            when 0 then case side when 0 then 'plant.person.' || k || '@gmail.com'
                                  else 'plantperson' || k || '+promo@googlemail.com' end
            else 'planted.' || kind || '.' || side || '.' || k || '@example.com'
          end as email,
          case kind when 1 then '+1999' || lpad(k::text, 7, '0') end as phone
        from generate_series(0, ${pairs - 1}) as k,
          lateral (select k % 4 as kind) as kinds,
          generate_series(0, 1) as side
      ) as planted`;
    await raw`
      insert into payment_methods (id, account_id, livemode, customer_id, type, brand, last4,
        exp_month, exp_year, fingerprint, created_at)
      select 'pm_plant' || side || lpad(k::text, 15, '0'), ${scope.accountId}, false,
        'cus_plant2' || side || lpad(k::text, 13, '0'), 'card', 'visa', '4242', 12, 2031,
        'bench-fingerprint-' || k, now()
      from generate_series(0, ${pairs - 1}) as k, generate_series(0, 1) as side
      where k % 4 = 2`;
    const seedSeconds = (performance.now() - started) / 1000;
    log(
      `duplicates: ${options.customers} customers and ${pairs} planted pairs in ${seedSeconds.toFixed(1)} s`,
    );

    const backfillStarted = performance.now();
    const rows = await backfillDuplicateKeys(handle.db, 5_000);
    const backfillSeconds = (performance.now() - backfillStarted) / 1000;
    log(`duplicates: keys of ${rows} customers backfilled in ${backfillSeconds.toFixed(1)} s`);
    await analyzeSeededTables(handle.db);
    await raw`vacuum (analyze) customers`;
    await raw`vacuum (analyze) payment_methods`;

    const twinOf = (id: string): string | undefined => {
      const match = /^cus_plant(\d)(\d)(\d{13})$/.exec(id);
      return match ? `cus_plant${match[1]}${match[2] === '0' ? '1' : '0'}${match[3]}` : undefined;
    };
    const kindOf = (id: string): Kind | undefined => {
      const match = /^cus_plant(\d)/.exec(id);
      return match ? KINDS[Number(match[1])] : undefined;
    };

    // The full scan, as GET /v1/customers/duplicates runs it.
    const scanStarted = performance.now();
    const groups = await findDuplicateGroups(handle.db, scope, 0.5);
    const scanSeconds = (performance.now() - scanStarted) / 1000;
    const found = groups.flatMap((group) => group.pairs);
    const plantedFound = found.filter((pair) => twinOf(pair.a) === pair.b).length;
    const findable = Math.ceil((pairs * 3) / 4);
    log(`duplicates: full scan ${scanSeconds.toFixed(1)} s, ${groups.length} groups`);

    // A customer's own check, as GET /v1/customers/{id}/duplicates runs it.
    const sample = await raw<{ id: string }[]>`
      (select id from customers where id like 'cus_plant_0%' order by random() limit ${SAMPLE / 2})
      union all
      (select id from customers where id not like 'cus_plant%' order by random() limit ${SAMPLE / 2})`;
    const times: number[] = [];
    const hits: Record<string, { found: number; of: number }> = {};
    let candidates = 0;
    let twins = 0;
    for (const { id } of sample) {
      const at = performance.now();
      const result = await findCustomerDuplicates(handle.db, scope, id);
      times.push(performance.now() - at);
      candidates += result.length;
      const twin = twinOf(id);
      const kind = kindOf(id);
      if (twin && kind) {
        const entry = (hits[kind] ??= { found: 0, of: 0 });
        entry.of += 1;
        if (result.some((candidate) => candidate.customer.id === twin)) {
          entry.found += 1;
          twins += 1;
        }
      }
    }
    times.sort((a, b) => a - b);
    return {
      customers: options.customers,
      plantedPairs: pairs,
      seedSeconds,
      backfill: { rows, seconds: backfillSeconds, rowsPerSecond: rows / backfillSeconds },
      scan: {
        seconds: scanSeconds,
        groups: groups.length,
        pairs: found.length,
        precision: found.length === 0 ? 1 : plantedFound / found.length,
        recall: plantedFound / findable,
      },
      check: {
        samples: sample.length,
        p50Ms: percentile(times, 0.5),
        p99Ms: percentile(times, 0.99),
        recallByKind: Object.fromEntries(
          Object.entries(hits).map(([kind, { found: hit, of }]) => [kind, hit / of]),
        ),
        precision: candidates === 0 ? 1 : twins / candidates,
      },
    };
  } finally {
    await raw.end();
    await handle.close();
  }
}
