import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { Scope } from '../queries/scope.js';

const BATCH = 50_000;

/**
 * Fill an account with synthetic customers, generated inside the database (INSERT ... SELECT over
 * generate_series) so a million rows take seconds, not a million round trips. Ids are 24 random
 * hex characters: valid ids of our shape, just drawn from a smaller alphabet.
 */
export async function seedCustomers(db: Database, scope: Scope, count: number) {
  const started = performance.now();
  const runTag = Date.now().toString(36);
  for (let offset = 0; offset < count; offset += BATCH) {
    const size = Math.min(BATCH, count - offset);
    await db.execute(sql`
      insert into customers (id, account_id, livemode, name, email, email_identity, phone, metadata, created_at, updated_at)
      select
        'cus_' || substr(md5(random()::text || clock_timestamp()::text || g), 1, 24),
        ${scope.accountId}, ${scope.livemode},
        (array['Ada','Grace','Alan','Katherine','Edsger','Barbara','Donald','Frances','Ken','Radia'])[1 + g % 10]
          || ' ' ||
        (array['Lovelace','Hopper','Turing','Johnson','Dijkstra','Liskov','Knuth','Allen','Thompson','Perlman'])[1 + (g / 10) % 10]
          || ' ' || g,
        'customer' || g || '.' || ${runTag} || '@example.com',
        'customer' || g || '.' || ${runTag} || '@example.com',
        '+1415555' || lpad((g % 10000)::text, 4, '0'),
        '{}'::jsonb,
        now() - (interval '1 second' * (${count} - g)),
        now() - (interval '1 second' * (${count} - g))
      from generate_series(${offset + 1}::int, ${offset + size}::int) as g
    `);
  }
  const seconds = (performance.now() - started) / 1000;
  return { customers: count, seconds, rowsPerSecond: Math.round(count / Math.max(seconds, 1e-9)) };
}
