import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { DomainError, type ListParams } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { inScope, type Scope } from './scope.js';

/**
 * Keyset pagination, newest first, by (created_at, id). A cursor is an object id; its position is
 * read from the database in the query itself, so rows inserted while someone pages are neither
 * skipped nor repeated, and deep pages cost the same as the first.
 */
export interface KeysetColumns {
  createdAt: PgColumn;
  id: PgColumn;
}

export interface CursorPosition {
  createdAt: string;
  id: string;
}

export function keysetClause(
  columns: KeysetColumns,
  params: ListParams,
  cursor: CursorPosition | undefined,
): { where: SQL | undefined; orderBy: SQL[]; reversed: boolean } {
  const reversed = params.endingBefore !== undefined;
  const orderBy = reversed
    ? [asc(columns.createdAt), asc(columns.id)]
    : [desc(columns.createdAt), desc(columns.id)];
  if (!cursor) return { where: undefined, orderBy, reversed };
  const position = sql`(${cursor.createdAt}::timestamptz, ${cursor.id}::text)`;
  const where = reversed
    ? sql`(${columns.createdAt}, ${columns.id}) > ${position}`
    : sql`(${columns.createdAt}, ${columns.id}) < ${position}`;
  return { where: and(where), orderBy, reversed };
}

type PageableTable = PgTable & KeysetColumns & { accountId: PgColumn; livemode: PgColumn };

/**
 * The keyset condition and order for a page of `table` in `scope`. The cursor row is looked up
 * in scope (another account's id is as unknown as a made-up one) and may be soft-deleted: a page
 * walk survives the deletion of the row it stopped at.
 */
export async function keysetFor(
  db: Executor,
  table: PageableTable,
  scope: Scope,
  params: ListParams,
) {
  const cursorId = params.startingAfter ?? params.endingBefore;
  if (cursorId === undefined) return keysetClause(table, params, undefined);
  const [cursor] = await db
    .select({ createdAt: sql<string>`${table.createdAt}::text`, id: sql<string>`${table.id}` })
    .from(table)
    .where(and(eq(table.id, cursorId), inScope(table, scope)));
  if (!cursor) throw cursorMissing(params);
  return keysetClause(table, params, cursor);
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
