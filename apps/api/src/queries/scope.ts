import { and, eq, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/** Whose data a request may see: one account, one environment. Every query takes it. */
export interface Scope {
  accountId: string;
  livemode: boolean;
}

/** A scope's values, or placeholders for them in a prepared query. */
export type ScopeValues = Scope | { accountId: Placeholder; livemode: Placeholder };

export function inScope(
  table: { accountId: PgColumn; livemode: PgColumn },
  scope: ScopeValues,
): SQL {
  return and(eq(table.accountId, scope.accountId), eq(table.livemode, scope.livemode)) as SQL;
}
