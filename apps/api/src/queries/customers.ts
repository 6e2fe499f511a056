import { and, asc, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { union } from 'drizzle-orm/pg-core';
import {
  DomainError,
  emailIdentity,
  mailboxIdentity,
  nameKey,
  mergeMetadata,
  newId,
  phoneSearchPrefixes,
  emailSearchPrefix,
  type Customer,
  type CustomerCreate,
  type CustomerListQuery,
  type CustomerUpdateFields,
} from '@peasswap/domain';
import { sqlStateOf, type Executor } from '../db/client.js';
import { updateOf, type Outbox } from '../events/outbox.js';
import { duplicateKeysOf } from './duplicate-keys.js';
import { customers } from '../db/schema/index.js';
import { assertAttachedTo } from './payment-methods.js';
import {
  assertCursorExists,
  cursorOf,
  endOfMillisecond,
  escapeLike,
  keysetFor,
  toPage,
} from './pagination.js';
import { prepared, SCOPE_PLACEHOLDERS } from './prepared.js';
import { writeTimestamp } from './timestamps.js';
import { inScope, type Scope } from './scope.js';

const UNIQUE_VIOLATION = '23505';

export const customerColumns = {
  id: customers.id,
  livemode: customers.livemode,
  name: customers.name,
  email: customers.email,
  phone: customers.phone,
  description: customers.description,
  metadata: customers.metadata,
  defaultPaymentMethodId: customers.defaultPaymentMethodId,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
};

/** A customer as read from its table: the selected columns, typed by the schema. */
export type CustomerRow = Pick<typeof customers.$inferSelect, keyof typeof customerColumns>;

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    object: 'customer',
    name: row.name,
    email: row.email,
    phone: row.phone,
    description: row.description,
    metadata: row.metadata,
    defaultPaymentMethod: row.defaultPaymentMethodId,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function customerMissing(id: string, param = 'id'): DomainError {
  return new DomainError('resource_missing', `No such customer: '${id}'.`, { param });
}

/**
 * Why a customer is not there: merged into another (`customer_merged`, naming the survivor), or
 * gone or never ours (`resource_missing`).
 */
export async function customerGone(
  db: Executor,
  scope: Scope,
  id: string,
  param = 'id',
): Promise<DomainError> {
  const [row] = await db
    .select({ mergedInto: customers.mergedInto })
    .from(customers)
    .where(and(eq(customers.id, id), inScope(customers, scope)));
  return row?.mergedInto ? customerMerged(id, row.mergedInto, param) : customerMissing(id, param);
}

export function customerMerged(id: string, survivor: string, param = 'id'): DomainError {
  const message = `Customer '${id}' was merged into '${survivor}'.`;
  return new DomainError('customer_merged', message, { param, extra: { customer: survivor } });
}

const live = isNull(customers.deletedAt);

async function findLiveIdByEmail(db: Executor, scope: Scope, email: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(inScope(customers, scope), live, eq(customers.emailIdentity, emailIdentity(email))));
  return row?.id;
}

function emailTaken(email: string, existingId: string | undefined): DomainError {
  return new DomainError(
    'customer_email_taken',
    existingId
      ? `A customer with the email '${email}' already exists: ${existingId}.`
      : `A customer with the email '${email}' already exists.`,
    { param: 'email', extra: existingId ? { customer: existingId } : {} },
  );
}

/**
 * One statement, outside any transaction of its own: the insert and its `customer.created` event
 * (outbox.recordWith), so a create is one round trip. The customer is known before the insert (its
 * timestamps are taken here: writeTimestamp), which is what lets the event be written in the same
 * statement; the database still decides whether it is stored.
 */
export async function createCustomer(
  db: Executor,
  scope: Scope,
  input: CustomerCreate,
  outbox: Outbox,
): Promise<Customer> {
  const at = writeTimestamp();
  const customer: Customer = {
    id: newId('customer'),
    object: 'customer',
    name: input.name,
    email: input.email,
    phone: input.phone ?? null,
    description: input.description ?? null,
    metadata: inJsonbOrder(input.metadata ?? {}),
    defaultPaymentMethod: null,
    livemode: scope.livemode,
    createdAt: at.answered,
    updatedAt: at.answered,
  };
  const inserted = await outbox.recordWith(
    db,
    scope,
    {
      key: 'customers.create',
      build: () => insertCustomerStatement(db),
      values: {
        id: customer.id,
        name: customer.name,
        email: customer.email,
        emailIdentity: emailIdentity(customer.email),
        ...duplicateKeysOf(input),
        phone: customer.phone,
        description: customer.description,
        metadata: customer.metadata,
        createdAt: at.stored,
      },
    },
    [{ type: 'customer.created', object: customer, customerId: customer.id }],
  );
  if (inserted.length === 0) {
    throw emailTaken(input.email, await findLiveIdByEmail(db, scope, input.email));
  }
  return customer;
}

/**
 * ON CONFLICT against the live-email unique index: the database decides, so concurrent creates
 * with one email store exactly one customer and every other gets `customer_email_taken` (and
 * records no event: the statement writes events only for a row it inserted).
 */
function insertCustomerStatement(db: Executor) {
  // Not the column's Date mapping: the timestamp comes as text with its microseconds.
  const at = sql`${sql.placeholder('createdAt')}::timestamptz`;
  return db
    .insert(customers)
    .values({
      id: sql.placeholder('id'),
      accountId: SCOPE_PLACEHOLDERS.accountId,
      livemode: SCOPE_PLACEHOLDERS.livemode,
      name: sql.placeholder('name'),
      email: sql.placeholder('email'),
      emailIdentity: sql.placeholder('emailIdentity'),
      mailboxIdentity: sql.placeholder('mailboxIdentity'),
      nameKey: sql.placeholder('nameKey'),
      phone: sql.placeholder('phone'),
      description: sql.placeholder('description'),
      metadata: sql.placeholder('metadata'),
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing({
      target: [customers.accountId, customers.livemode, customers.emailIdentity],
      where: sql`${customers.deletedAt} is null`,
    })
    .returning({ id: customers.id })
    .getSQL();
}

/**
 * Metadata with its keys in the order a `jsonb` column gives them back (shorter keys first, then
 * by their UTF-8 bytes), so a create answers the object exactly as every later read prints it.
 */
export function inJsonbOrder(metadata: Record<string, string>): Record<string, string> {
  const keys = Object.keys(metadata).map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }));
  keys.sort((a, b) => a.bytes.length - b.bytes.length || Buffer.compare(a.bytes, b.bytes));
  return Object.fromEntries(keys.map(({ key }) => [key, metadata[key] as string]));
}

export async function retrieveCustomer(db: Executor, scope: Scope, id: string): Promise<Customer> {
  const query = prepared(db, 'customers.retrieve', () =>
    db
      .select(customerColumns)
      .from(customers)
      .where(
        and(eq(customers.id, sql.placeholder('id')), inScope(customers, SCOPE_PLACEHOLDERS), live),
      )
      .prepare('customers_retrieve'),
  );
  const [row] = await query.execute({ id, ...scope });
  if (!row) throw await customerGone(db, scope, id);
  return toCustomer(row);
}

export async function updateCustomer(
  db: Executor,
  scope: Scope,
  id: string,
  fields: CustomerUpdateFields,
  outbox: Outbox,
): Promise<Customer> {
  try {
    return await db.transaction(async (tx) => {
      const [current] = await tx
        .select(customerColumns)
        .from(customers)
        .where(and(eq(customers.id, id), inScope(customers, scope), live))
        .for('update');
      if (!current) throw await customerGone(tx, scope, id);

      let metadata: Record<string, string> | undefined;
      if (fields.metadata !== undefined) {
        const merged = mergeMetadata(current.metadata, fields.metadata);
        if (!merged.ok) throw merged.error;
        metadata = merged.value;
      }
      // The customer is locked first, the card second (the order of every such transaction).
      if (typeof fields.defaultPaymentMethod === 'string') {
        await assertAttachedTo(tx, scope, fields.defaultPaymentMethod, id, 'defaultPaymentMethod');
      }
      const [row] = await tx
        .update(customers)
        .set({
          ...(fields.name !== undefined && { name: fields.name, nameKey: nameKey(fields.name) }),
          ...(fields.email !== undefined && {
            email: fields.email,
            emailIdentity: emailIdentity(fields.email),
            mailboxIdentity: mailboxIdentity(fields.email),
          }),
          ...(fields.phone !== undefined && { phone: fields.phone }),
          ...(fields.description !== undefined && { description: fields.description }),
          ...(metadata !== undefined && { metadata }),
          ...(fields.defaultPaymentMethod !== undefined && {
            defaultPaymentMethodId: fields.defaultPaymentMethod,
          }),
          updatedAt: sql`now()`,
        })
        .where(and(eq(customers.id, id), inScope(customers, scope), live))
        .returning(customerColumns);
      if (!row) throw customerMissing(id);
      const after = toCustomer(row);
      await outbox.record(tx, scope, updateOf('customer.updated', toCustomer(current), after, id));
      return after;
    });
  } catch (error) {
    if (sqlStateOf(error) === UNIQUE_VIOLATION && fields.email !== undefined) {
      throw emailTaken(fields.email, await findLiveIdByEmail(db, scope, fields.email));
    }
    throw error;
  }
}

/**
 * Soft delete: the row stays for the payments and history that point at it. Answers the customer
 * as it was deleted (its `customer.deleted` event carries it); the caller records the event with
 * the rest of the delete's changes.
 */
export async function deleteCustomer(db: Executor, scope: Scope, id: string): Promise<Customer> {
  const [row] = await db
    .update(customers)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(customers.id, id), inScope(customers, scope), live))
    .returning(customerColumns);
  if (!row) throw await customerGone(db, scope, id);
  return toCustomer(row);
}

const queryPlaceholder = sql.placeholder('query');

/**
 * How `query=` is read. Typed like the start of an email (`grace@`, `grace@navy.ex`): emails that
 * start with it. Typed like a phone number (`(415) 555-01`, `+44 20 7946`): phones that start with
 * it, read as a phone is read when stored (domain `phoneSearchPrefixes`). Anything else: a
 * substring of name, email or phone.
 *
 * Why the first two are prefixes: a substring is found through the trigram index, and the
 * trigrams of `grace@` are those of "grace", a first name 100,000 of a million customers hold,
 * each fetched and rechecked (~435 ms); a phone's trigrams (`415`, `555`) are in nearly every
 * phone of its area. A prefix is one B-tree range instead (`text_pattern_ops`, byte order,
 * migration 0015), costing what it finds.
 */
export type CustomerSearch =
  | { by: 'email'; prefix: string }
  | { by: 'phone'; prefixes: string[] }
  | { by: 'text'; query: string };

export function customerSearchOf(query: string): CustomerSearch {
  const prefix = emailSearchPrefix(query);
  if (prefix !== undefined) return { by: 'email', prefix };
  const prefixes = phoneSearchPrefixes(query);
  if (prefixes !== undefined) return { by: 'phone', prefixes };
  return { by: 'text', query };
}

/** The search's part of the statement's shape: its reading, and a phone's number of ranges. */
function searchShape(search: CustomerSearch): string {
  return search.by === 'phone' ? `query_phone${search.prefixes.length}` : `query_${search.by}`;
}

/**
 * The upper end of the byte-ordered range holding every text that starts with `prefix`: the
 * prefix followed by the highest code point, which no stored email or phone holds.
 */
function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/** `column` starts with the `prefix<n>` placeholder: a range the text_pattern_ops index serves. */
function startsWith(column: typeof customers.emailIdentity | typeof customers.phone, n: number) {
  const from = sql.placeholder(`prefix${n}`);
  const end = sql.placeholder(`prefixEnd${n}`);
  return sql`(${column} ~>=~ ${from} and ${column} ~<~ ${end})`;
}

/** The rows an email or text search matches (a phone search is phonePageIds). */
function searchMatches(search: Exclude<CustomerSearch, { by: 'phone' }>) {
  switch (search.by) {
    case 'email':
      return startsWith(customers.emailIdentity, 0);
    case 'text':
      return sql`${customers.searchText} like '%' || lower(${queryPlaceholder}) || '%'`;
  }
}

/** The values searchMatches' placeholders are bound to. */
function searchValues(search: CustomerSearch | undefined): Record<string, string> {
  switch (search?.by) {
    case undefined:
      return {};
    case 'email':
      return { prefix0: search.prefix, prefixEnd0: prefixEnd(search.prefix) };
    case 'phone':
      return Object.fromEntries(
        search.prefixes.flatMap((prefix, n) => [
          [`prefix${n}`, prefix],
          [`prefixEnd${n}`, prefixEnd(prefix)],
        ]),
      );
    case 'text':
      return { query: escapeLike(search.query) };
  }
}

/**
 * The ids of a phone search's page, read from the phone prefix index alone: it includes
 * (created_at, id), so the page's order and keyset come from its entries without a heap page
 * (an index-only scan; migration 0016), and only the page's rows are read afterwards. Every match
 * would otherwise be fetched to be sorted: a whole typed number the seed gives to 100 customers
 * read 100 heap pages for a page of 10. Each prefix is its own range and its own top of the page,
 * since an `or` of two ranges is a bitmap scan, which always visits the heap; `union` (not `union
 * all`) because one prefix may hold the other (`+1111` and `+11111`).
 */
function phonePageIds(
  db: Executor,
  search: Extract<CustomerSearch, { by: 'phone' }>,
  filters: SQL | undefined,
  keyset: ReturnType<typeof keysetFor>,
) {
  const limit = sql.placeholder('limit');
  const ranges = search.prefixes.map((_, n) =>
    db
      .select({ createdAt: customers.createdAt, id: customers.id })
      .from(customers)
      .where(and(filters, startsWith(customers.phone, n)))
      .orderBy(...keyset.orderBy)
      .limit(limit),
  );
  const [first, second, ...rest] = ranges;
  if (first === undefined) throw new Error('A phone search has at least one prefix.');
  const matches = (second === undefined ? first : union(first, second, ...rest)).as('matches');
  const order = keyset.reversed ? asc : desc;
  return db
    .select({ id: matches.id })
    .from(matches)
    .orderBy(order(matches.createdAt), order(matches.id))
    .limit(limit);
}

export async function listCustomers(db: Executor, scope: Scope, params: CustomerListQuery) {
  const search = params.query !== undefined ? customerSearchOf(params.query) : undefined;
  // One prepared statement per shape: which filters are present and which way the page runs.
  const shape = [
    params.endingBefore !== undefined
      ? 'before'
      : params.startingAfter !== undefined
        ? 'after'
        : 'head',
    params.email !== undefined ? 'email' : '',
    search !== undefined ? searchShape(search) : '',
    params.createdGte !== undefined ? 'gte' : '',
    params.createdLte !== undefined ? 'lte' : '',
  ].join(':');
  const query = prepared(db, `customers.list:${shape}`, () => {
    const keyset = keysetFor(customers, SCOPE_PLACEHOLDERS, params, sql.placeholder('cursor'));
    const filters = and(
      inScope(customers, SCOPE_PLACEHOLDERS),
      live,
      keyset.where,
      params.email !== undefined
        ? eq(customers.emailIdentity, sql.placeholder('emailIdentity'))
        : undefined,
      params.createdGte !== undefined
        ? gte(customers.createdAt, sql.placeholder('createdGte'))
        : undefined,
      params.createdLte !== undefined
        ? lt(customers.createdAt, sql.placeholder('createdBefore'))
        : undefined,
    );
    const name = `customers_list_${shape.replaceAll(':', '_')}`;
    if (search?.by === 'phone') {
      return db
        .select(customerColumns)
        .from(customers)
        .where(
          and(
            inScope(customers, SCOPE_PLACEHOLDERS),
            inArray(customers.id, phonePageIds(db, search, filters, keyset)),
          ),
        )
        .orderBy(...keyset.orderBy)
        .prepare(name);
    }
    return db
      .select(customerColumns)
      .from(customers)
      .where(and(filters, search !== undefined ? searchMatches(search) : undefined))
      .orderBy(...keyset.orderBy)
      .limit(sql.placeholder('limit'))
      .prepare(name);
  });
  const rows = await query.execute({
    ...scope,
    cursor: cursorOf(params),
    emailIdentity: params.email !== undefined ? emailIdentity(params.email) : undefined,
    ...searchValues(search),
    // ISO text, not Date: a bound placeholder skips Drizzle's column encoding, and the drivers
    // disagree on serialising a Date for a prepared timestamptz parameter.
    createdGte:
      params.createdGte !== undefined ? new Date(params.createdGte).toISOString() : undefined,
    createdBefore:
      params.createdLte !== undefined
        ? endOfMillisecond(params.createdLte).toISOString()
        : undefined,
    limit: params.limit + 1,
  });
  if (rows.length === 0) await assertCursorExists(db, customers, scope, params);
  const page = toPage(rows, params.limit, params.endingBefore !== undefined);
  return { data: page.data.map(toCustomer), hasMore: page.hasMore };
}

/** A live customer of the scope, share-locked so it cannot be deleted under the caller. */
export async function lockLiveCustomer(
  tx: Executor,
  scope: Scope,
  customerId: string,
): Promise<void> {
  const [customer] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(eq(customers.id, customerId), inScope(customers, scope), isNull(customers.deletedAt)),
    )
    .for('share');
  if (!customer) {
    throw new DomainError('resource_missing', `No such customer: '${customerId}'.`, {
      param: 'customer',
      status: 400,
    });
  }
}
