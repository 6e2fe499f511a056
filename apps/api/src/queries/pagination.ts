import { and, asc, desc, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { DomainError, type ListParams } from '@peasswap/domain';

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
