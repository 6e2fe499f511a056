import { and, eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/** Whose data a request may see: one account, one environment. Every query takes it. */
export interface Scope {
  accountId: string;
  livemode: boolean;
}

export function inScope(table: { accountId: PgColumn; livemode: PgColumn }, scope: Scope): SQL {
  return and(eq(table.accountId, scope.accountId), eq(table.livemode, scope.livemode)) as SQL;
}
