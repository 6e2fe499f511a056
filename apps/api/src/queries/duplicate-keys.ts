import { and, asc, isNull, or, sql } from 'drizzle-orm';
import { mailboxIdentity, nameKey } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { customers } from '../db/schema/index.js';

/** The columns the duplicate finder looks customers up by, from their email and name. */
export function duplicateKeysOf(customer: { email: string; name: string }) {
  return { mailboxIdentity: mailboxIdentity(customer.email), nameKey: nameKey(customer.name) };
}

/**
 * Fill the duplicate keys of customers written before they existed (migration 0011): walked in
 * primary-key order (account_id, id), a batch per statement, so a large table is never one long lock nor read twice. Run
 * after migrating, by the server and by `pnpm cli migrate`; once all are filled, a run is one look
 * that finds nothing to do.
 */
export async function backfillDuplicateKeys(db: Executor, batchSize = 2_000): Promise<number> {
  const missing = or(isNull(customers.mailboxIdentity), isNull(customers.nameKey));
  const [any] = await db.select({ id: customers.id }).from(customers).where(missing).limit(1);
  if (!any) return 0;
  let filled = 0;
  let after = { accountId: '', id: '' };
  for (;;) {
    const batch = await db
      .select({
        accountId: customers.accountId,
        id: customers.id,
        email: customers.email,
        name: customers.name,
      })
      .from(customers)
      .where(
        and(
          sql`(${customers.accountId}, ${customers.id}) > (${after.accountId}, ${after.id})`,
          missing,
        ),
      )
      .orderBy(asc(customers.accountId), asc(customers.id))
      .limit(batchSize);
    const last = batch.at(-1);
    if (!last) return filled;
    const values = sql.join(
      batch.map((row) => {
        const keys = duplicateKeysOf(row);
        return sql`(${row.accountId}, ${row.id}, ${keys.mailboxIdentity}, ${keys.nameKey})`;
      }),
      sql`, `,
    );
    await db.execute(sql`
      update customers set mailbox_identity = v.mailbox_identity, name_key = v.name_key
      from (values ${values}) as v(account_id, id, mailbox_identity, name_key)
      where customers.account_id = v.account_id and customers.id = v.id`);
    filled += batch.length;
    after = { accountId: last.accountId, id: last.id };
    if (batch.length < batchSize) return filled;
  }
}
