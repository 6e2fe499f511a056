import { and, asc, desc, eq, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { DomainError, type ListParams } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { inScope, type Scope, type ScopeValues } from './scope.js';

/**
 * Keyset pagination, newest first, by (created_at, id). A cursor is an object id; its position is
 * read from the database in the query itself, so rows inserted while someone pages are neither
 * skipped nor repeated, and deep pages cost the same as the first.
 */
export interface KeysetColumns {
  createdAt: PgColumn;
  id: PgColumn;
}

type PageableTable = PgTable & KeysetColumns & { accountId: PgColumn; livemode: PgColumn };

export const cursorOf = (params: ListParams) => params.startingAfter ?? params.endingBefore;

/**
 * The keyset condition and order for a page of `table` in `scope`. The cursor's position is a
 * subquery of the page query itself (one round trip, whatever the page number). The cursor row is
 * looked up in scope, so another account's id is as unknown as a made-up one, and may be
 * soft-deleted: a page walk survives the deletion of the row it stopped at.
 */
export function keysetFor(
  table: PageableTable,
  scope: ScopeValues,
  params: ListParams,
  /** The cursor's id, or a placeholder for it in a prepared query. */
  cursorId: string | Placeholder | undefined = cursorOf(params),
) {
  const reversed = params.endingBefore !== undefined;
  const orderBy = reversed
    ? [asc(table.createdAt), asc(table.id)]
    : [desc(table.createdAt), desc(table.id)];
  if (cursorId === undefined || cursorOf(params) === undefined) {
    return { where: undefined, orderBy, reversed };
  }
  const position = sql`(select ${table.createdAt}, ${table.id} from ${table}
    where ${table.id} = ${cursorId} and ${inScope(table, scope)})`;
  const where: SQL = reversed
    ? sql`(${table.createdAt}, ${table.id}) > ${position}`
    : sql`(${table.createdAt}, ${table.id}) < ${position}`;
  return { where, orderBy, reversed };
}

/**
 * An empty page is where an unknown cursor shows: only then is the cursor looked up, so the
 * common case stays one query.
 */
export async function assertCursorExists(
  db: Executor,
  table: PageableTable,
  scope: Scope,
  params: ListParams,
): Promise<void> {
  const cursorId = cursorOf(params);
  if (cursorId === undefined) return;
  const [cursor] = await db
    .select({ id: sql<string>`${table.id}` })
    .from(table)
    .where(and(eq(table.id, cursorId), inScope(table, scope)));
  if (!cursor) throw cursorMissing(params);
}

/** Trim the look-ahead row and restore newest-first order. */
export function toPage<T>(rows: T[], limit: number, reversed: boolean) {
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  return { data: reversed ? page.reverse() : page, hasMore };
}

export function cursorMissing(params: ListParams): DomainError {
  const param = params.endingBefore !== undefined ? 'endingBefore' : 'startingAfter';
  const id = params.endingBefore ?? params.startingAfter;
  return new DomainError('resource_missing', `No such object for ${param}: '${id}'.`, {
    param,
    status: 400,
  });
}

/** Escape LIKE's wildcards so that `%`, `_` and `\` in a search are taken literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Timestamps are stored to the microsecond but shown to the millisecond, so `createdLte` with a
 * list item's own `createdAt` (a customer's, an event's) must include every instant of that
 * millisecond.
 */
export function endOfMillisecond(iso: string): Date {
  return new Date(Date.parse(iso) + 1);
}
