import { and, asc, inArray, isNull, sql } from 'drizzle-orm';
import {
  mergeMetadata,
  newId,
  type Customer,
  type CustomerCreate,
  type ImportOnDuplicate,
  type ImportRowError,
  type ImportRowReport,
} from '@peasswap/domain';
import { rowsOf, type Executor } from '../db/client.js';
import { customers } from '../db/schema/index.js';
import { updateOf, type Change, type Outbox } from '../events/outbox.js';
import { duplicateKeysOf } from './duplicate-keys.js';
import { customerColumns, toCustomer, type CustomerRow } from './customers.js';
import { inScope, type Scope } from './scope.js';

/**
 * The rows of a file that share one email identity: the first valid one (the leader) and the later
 * ones, already folded into `customer` (onDuplicate=update) or to be skipped with it (skip). Each
 * group is written once, at its leader's place in the file.
 */
export interface ImportGroup {
  identity: string;
  customer: CustomerCreate;
  leader: ImportRowReport;
  followers: ImportRowReport[];
}

const live = isNull(customers.deletedAt);

function settle(group: ImportGroup, status: 'created' | 'updated' | 'skipped', id?: string) {
  group.leader.status = status;
  if (id !== undefined) group.leader.customer = id;
  for (const row of group.followers) {
    // Later rows of a group are its updates (update) or its duplicates (skip).
    row.status = status === 'skipped' ? 'skipped' : row.status;
    if (id !== undefined) row.customer = id;
  }
}

const metadataRefusal = (error: { code: ImportRowError['code']; message: string }) => ({
  param: 'metadata',
  code: error.code,
  message: error.message,
});

function refuse(group: ImportGroup, error: ImportRowError) {
  for (const row of [group.leader, ...group.followers]) {
    row.status = 'error';
    row.errors = [error];
    delete row.customer;
  }
}

const emailTaken = (id: string): ImportRowError => ({
  param: 'email',
  code: 'customer_email_taken',
  message: `A customer with this email already exists: ${id}.`,
});

/** A stored customer with a file's row applied: given cells replace, metadata keys merge. */
function applyRow(current: CustomerRow, row: CustomerCreate) {
  const metadata = mergeMetadata(current.metadata, row.metadata ?? {});
  if (!metadata.ok) return metadata;
  return {
    ok: true as const,
    value: {
      name: row.name,
      phone: row.phone ?? current.phone,
      description: row.description ?? current.description,
      metadata: metadata.value,
    },
  };
}

/**
 * The batch's new customers in one statement, its rows passed as one JSON document: a 500-row
 * VALUES list would be 5,500 bound parameters to build and send. ON CONFLICT against the
 * live-email unique index skips a row whose email a concurrent request took since we looked.
 * Answers the created ones' timestamps by id.
 */
async function insertCustomers(
  tx: Executor,
  scope: Scope,
  inserts: readonly { group: ImportGroup; id: string }[],
) {
  const rows = inserts.map(({ group: { customer, identity }, id }) => {
    const keys = duplicateKeysOf(customer);
    return {
      id,
      name: customer.name,
      email: customer.email,
      email_identity: identity,
      phone: customer.phone ?? null,
      description: customer.description ?? null,
      metadata: customer.metadata ?? {},
      mailbox_identity: keys.mailboxIdentity,
      name_key: keys.nameKey,
    };
  });
  const result = await tx.execute(sql`
    insert into customers (id, account_id, livemode, name, email, email_identity, phone,
      description, metadata, mailbox_identity, name_key)
    select r.id, ${scope.accountId}, ${scope.livemode}, r.name, r.email, r.email_identity,
      r.phone, r.description, r.metadata, r.mailbox_identity, r.name_key
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, name text, email text,
      email_identity text, phone text, description text, metadata jsonb, mailbox_identity text,
      name_key text)
    on conflict (account_id, livemode, email_identity) where deleted_at is null do nothing
    returning id, created_at, updated_at
  `);
  return new Map(
    rowsOf<{ id: string; created_at: string | Date; updated_at: string | Date }>(result).map(
      (row) => [
        row.id,
        { createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) },
      ],
    ),
  );
}

/** The live customers of the groups' emails, by email identity (locked when they are to change). */
async function existingByIdentity(
  tx: Executor,
  scope: Scope,
  groups: readonly ImportGroup[],
  lock: boolean,
) {
  const query = tx
    .select({ ...customerColumns, emailIdentity: customers.emailIdentity })
    .from(customers)
    .where(
      and(
        inScope(customers, scope),
        live,
        inArray(
          customers.emailIdentity,
          groups.map((group) => group.identity),
        ),
      ),
    )
    .orderBy(asc(customers.id));
  const rows = await (lock ? query.for('update') : query);
  return new Map(rows.map((row) => [row.emailIdentity, row]));
}

/**
 * Write one batch of groups in one transaction (the caller's; or none on a dry run): every row was
 * validated by the domain schemas beforehand, so the statements do not fail row by row and no
 * savepoint per row is needed. The batch's customers go in first, as one INSERT ... ON CONFLICT DO
 * NOTHING against the live-email unique index: a new email (nearly every row of a first import)
 * costs no lookup. The emails it skipped belong to live customers, read next and settled by
 * `onDuplicate` (updates as one UPDATE ... FROM (VALUES ...)); then every change's event goes in
 * one outbox write. A dry run only looks the emails up.
 */
export async function writeImportBatch(
  tx: Executor,
  scope: Scope,
  outbox: Outbox,
  groups: readonly ImportGroup[],
  options: { onDuplicate: ImportOnDuplicate; dryRun: boolean },
): Promise<void> {
  if (options.dryRun) {
    const existing = await existingByIdentity(tx, scope, groups, false);
    for (const group of groups) {
      const current = existing.get(group.identity);
      if (!current) settle(group, 'created');
      else if (options.onDuplicate === 'skip') settle(group, 'skipped', current.id);
      else if (options.onDuplicate === 'error') refuse(group, emailTaken(current.id));
      else {
        const applied = applyRow(current, group.customer);
        if (applied.ok) settle(group, 'updated', current.id);
        else refuse(group, metadataRefusal(applied.error));
      }
    }
    return;
  }

  const changes: Change[] = [];
  const inserts = groups.map((group) => ({ group, id: newId('customer') }));
  const stored = await insertCustomers(tx, scope, inserts);
  const taken: ImportGroup[] = [];
  for (const { group, id } of inserts) {
    const times = stored.get(id);
    if (!times) {
      taken.push(group);
      continue;
    }
    settle(group, 'created', id);
    const { customer } = group;
    const row: CustomerRow = {
      id,
      livemode: scope.livemode,
      name: customer.name,
      email: customer.email,
      phone: customer.phone ?? null,
      description: customer.description ?? null,
      metadata: customer.metadata ?? {},
      defaultPaymentMethodId: null,
      ...times,
    };
    changes.push({ type: 'customer.created', object: toCustomer(row), customerId: id });
  }

  const updates: { group: ImportGroup; before: CustomerRow; after: CustomerRow }[] = [];
  if (taken.length > 0) {
    const existing = await existingByIdentity(tx, scope, taken, options.onDuplicate === 'update');
    for (const group of taken) {
      const current = existing.get(group.identity);
      if (!current) {
        // Live when the INSERT met it, deleted (or merged) by another request since.
        refuse(group, emailTaken('changed by another request meanwhile'));
      } else if (options.onDuplicate === 'skip') {
        settle(group, 'skipped', current.id);
      } else if (options.onDuplicate === 'error') {
        refuse(group, emailTaken(current.id));
      } else {
        const applied = applyRow(current, group.customer);
        if (!applied.ok) refuse(group, metadataRefusal(applied.error));
        else updates.push({ group, before: current, after: { ...current, ...applied.value } });
      }
    }
  }

  const changed = updates.filter(
    ({ before, after }) =>
      updateOf('customer.updated', toCustomer(before), toCustomer(after), null).length > 0,
  );
  for (const { group, before } of updates) settle(group, 'updated', before.id);
  if (changed.length > 0) {
    const values = changed.map(
      ({ after }) =>
        sql`(${after.id}::text, ${after.name}::text, ${after.phone}::text, ${after.description}::text, ${JSON.stringify(after.metadata)}::jsonb, ${duplicateKeysOf(after).nameKey}::text)`,
    );
    const result = await tx.execute(sql`
      update customers c
      set name = v.name, phone = v.phone, description = v.description, metadata = v.metadata,
        name_key = v.name_key, updated_at = now()
      from (values ${sql.join(values, sql`, `)}) as v(id, name, phone, description, metadata, name_key)
      where c.id = v.id and c.account_id = ${scope.accountId} and c.livemode = ${scope.livemode}
      returning c.id, c.updated_at
    `);
    const updatedAt = new Map(
      rowsOf<{ id: string; updated_at: string | Date }>(result).map((row) => [
        row.id,
        new Date(row.updated_at),
      ]),
    );
    for (const { before, after } of changed) {
      const object: Customer = toCustomer({
        ...after,
        updatedAt: updatedAt.get(after.id) ?? after.updatedAt,
      });
      changes.push(...updateOf('customer.updated', toCustomer(before), object, before.id));
    }
  }
  await outbox.record(tx, scope, changes);
}
