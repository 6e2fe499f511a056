import { and, asc, desc, eq, gte, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { AuditEntry, AuditEntryListQuery } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { auditLog, auditLogChanges } from '../db/schema/index.js';
import { cursorMissing, cursorOf, endOfMillisecond, escapeLike, toPage } from './pagination.js';
import type { Scope } from './scope.js';

/**
 * The entries a caller may read: its account's, of its environment or account-wide (dashboard
 * users, livemode null). Another account's or environment's are as unknown as made-up ids.
 */
export function inAuditScope(scope: Scope): SQL {
  return and(
    eq(auditLog.accountId, scope.accountId),
    or(eq(auditLog.livemode, scope.livemode), isNull(auditLog.livemode)),
  ) as SQL;
}

/** An entry's columns and its values' (null when erased), as toAuditEntry reads them. */
export const entryColumns = {
  id: auditLog.id,
  livemode: auditLog.livemode,
  actorType: auditLog.actorType,
  actorId: auditLog.actorId,
  action: auditLog.action,
  objectId: auditLog.objectId,
  customerId: auditLog.customerId,
  fields: auditLog.fields,
  requestId: auditLog.requestId,
  clientIp: auditLog.clientIp,
  createdAt: auditLog.createdAt,
  changes: auditLogChanges.changes,
};

type EntryRow = Omit<typeof auditLog.$inferSelect, 'accountId'> & {
  changes: (typeof auditLogChanges.$inferSelect)['changes'] | null;
};

/**
 * An entry as answered. Its values live apart: an entry that names fields but has no values row
 * had them erased with its customer (`changes: null`); one that names none has nothing to show.
 */
export function toAuditEntry(row: EntryRow): AuditEntry {
  return {
    id: row.id,
    object: 'audit_entry',
    livemode: row.livemode,
    actor: { type: row.actorType, id: row.actorId },
    action: row.action,
    objectId: row.objectId,
    customer: row.customerId,
    fields: row.fields,
    changes: row.changes ?? (row.fields.length === 0 ? {} : null),
    requestId: row.requestId,
    clientIp: row.clientIp,
    createdAt: row.createdAt.toISOString(),
  };
}

/** `customer.updated` exactly, or `customer.*`: every action on customers. */
function actionMatches(action: string): SQL {
  if (!action.endsWith('.*')) return eq(auditLog.action, action);
  return like(auditLog.action, `${escapeLike(action.slice(0, -1))}%`);
}

/**
 * Newest first, keyset-paginated by (created, id) like every list, served by one index per
 * filter: (account, created), (account, object, created), (account, actor, created), (account,
 * action, created), (account, customer, created). A cursor is an entry of the caller's scope.
 */
export async function listAuditEntries(db: Executor, scope: Scope, params: AuditEntryListQuery) {
  const cursorId = cursorOf(params);
  const reversed = params.endingBefore !== undefined;
  const position = sql`(select ${auditLog.createdAt}, ${auditLog.id} from ${auditLog}
    where ${auditLog.id} = ${cursorId ?? null} and ${inAuditScope(scope)})`;
  const rows = await db
    .select(entryColumns)
    .from(auditLog)
    .leftJoin(
      auditLogChanges,
      and(
        eq(auditLogChanges.accountId, auditLog.accountId),
        eq(auditLogChanges.entryId, auditLog.id),
      ),
    )
    .where(
      and(
        inAuditScope(scope),
        cursorId === undefined
          ? undefined
          : reversed
            ? sql`(${auditLog.createdAt}, ${auditLog.id}) > ${position}`
            : sql`(${auditLog.createdAt}, ${auditLog.id}) < ${position}`,
        params.object !== undefined ? eq(auditLog.objectId, params.object) : undefined,
        params.actor !== undefined ? eq(auditLog.actorId, params.actor) : undefined,
        params.action !== undefined ? actionMatches(params.action) : undefined,
        params.customer !== undefined ? eq(auditLog.customerId, params.customer) : undefined,
        params.createdGte !== undefined
          ? gte(auditLog.createdAt, new Date(params.createdGte))
          : undefined,
        params.createdLte !== undefined
          ? lt(auditLog.createdAt, endOfMillisecond(params.createdLte))
          : undefined,
      ),
    )
    .orderBy(
      ...(reversed
        ? [asc(auditLog.createdAt), asc(auditLog.id)]
        : [desc(auditLog.createdAt), desc(auditLog.id)]),
    )
    .limit(params.limit + 1);
  // An empty page is where an unknown cursor shows: only then is it looked up.
  if (rows.length === 0 && cursorId !== undefined) {
    const [cursor] = await db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.id, cursorId), inAuditScope(scope)));
    if (!cursor) throw cursorMissing(params);
  }
  const page = toPage(rows, params.limit, reversed);
  return { data: page.data.map(toAuditEntry), hasMore: page.hasMore };
}
