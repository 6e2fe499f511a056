import { sql, type Column, type Placeholder, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';

/**
 * Hot reads as prepared statements. Drizzle rebuilds a query's SQL on every call, which the
 * benchmark found to be a quarter of the API's CPU on a simple read; a prepared query is built once
 * per shape and database handle, then executed with its values bound. Queries inside transactions
 * get a cache of their own that dies with the transaction, so this only pays off outside them.
 */
const cache = new WeakMap<object, Map<string, unknown>>();

export function prepared<T>(db: Executor, key: string, build: () => T): T {
  let byKey = cache.get(db);
  if (!byKey) {
    byKey = new Map();
    cache.set(db, byKey);
  }
  let query = byKey.get(key) as T | undefined;
  if (query === undefined) {
    query = build();
    byKey.set(key, query);
  }
  return query;
}

/** Placeholders for a scope, bound at execution as `{ accountId, livemode }`. */
export const SCOPE_PLACEHOLDERS = {
  accountId: sql.placeholder('accountId'),
  livemode: sql.placeholder('livemode'),
} satisfies Record<string, Placeholder>;

/**
 * `columns` selected under their own keys (`"payments"."customer_id" as "customerId"`), for a
 * statement run raw (db/client.ts `preparedStatement`): its rows carry the keys Drizzle's mapping
 * would give them, with the values as the driver reads them (timestamps, int8 and numeric as text).
 */
export function selectedAs<Key extends string>(
  columns: Record<Key, Column>,
): Record<Key, SQL.Aliased> {
  const entries = Object.entries(columns) as [Key, Column][];
  return Object.fromEntries(
    entries.map(([key, column]) => [key, sql`${column}`.as(key)]),
  ) as Record<Key, SQL.Aliased>;
}
