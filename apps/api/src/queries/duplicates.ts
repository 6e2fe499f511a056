import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  LIKELY_THRESHOLD,
  nameSimilarity,
  scoreDuplicate,
  type Customer,
  type DuplicateCandidate,
  type DuplicateGroup,
  type DuplicateListQuery,
  type DuplicatePair,
} from '@peasswap/domain';
import { rowsOf, type Executor } from '../db/client.js';
import { customers } from '../db/schema/index.js';
import { customerColumns, customerMissing, toCustomer, type CustomerRow } from './customers.js';
import { cursorMissing } from './pagination.js';
import { inScope, type Scope } from './scope.js';

/**
 * Likely duplicate customers (SPEC §8). Candidates always come from indexes, never from comparing
 * all pairs: the same mailbox (customers_mailbox_idx), the same phone (customers_phone_idx), a card
 * with the same fingerprint (payment_methods_fingerprint_idx) and, for one customer, the same name
 * key (customers_name_key_idx). Scoring is the domain's (`scoreDuplicate`), names compared there.
 *
 * Why the same name key and not trigram similarity: a name with nothing else shared counts only
 * when near-identical (≥ 0.95), which after nameKey (no case, accents, punctuation or word order)
 * is an equal key but for one letter in a long name; a merely close name counts only beside a
 * shared mailbox, phone or card, whose own lookups bring the pair. Trigram similarity over the
 * bench's million customers cost 395 ms p50 a lookup; the key is a B-tree probe.
 */

/** How many candidates one signal may bring for one customer: a shared office phone is no proof. */
const CANDIDATES_PER_SIGNAL = 50;
/**
 * A key shared by more customers than this (a placeholder phone, a switchboard, a company card)
 * groups nobody: it says little about any two of them, and pairing them all would be quadratic.
 */
const MAX_SHARED_KEY = 20;

interface Signals {
  sameEmail: boolean;
  samePhone: boolean;
  sameCard: boolean;
}

function scored(a: CustomerRow, b: CustomerRow, signals: Signals) {
  return scoreDuplicate({
    email: signals.sameEmail,
    phone: signals.samePhone,
    card: signals.sameCard,
    nameSimilarity: nameSimilarity(a.name, b.name),
  });
}

/** Live customers of the scope by id, in one statement. */
async function liveCustomers(db: Executor, scope: Scope, ids: string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db
    .select(customerColumns)
    .from(customers)
    .where(and(inArray(customers.id, ids), inScope(customers, scope), isNull(customers.deletedAt)));
}

/**
 * One customer's likely duplicates, best first: every candidate its indexes give, scored; those
 * scoring nothing are left out. One statement finds the candidates and their signals. A phone or
 * card shared by more than MAX_SHARED_KEY customers brings no candidates, as in the group scan.
 */
export async function findCustomerDuplicates(
  db: Executor,
  scope: Scope,
  id: string,
): Promise<DuplicateCandidate[]> {
  const [target] = await liveCustomers(db, scope, [id]);
  if (!target) throw customerMissing(id);
  const { accountId, livemode } = scope;
  const live = sql`c.account_id = ${accountId} and c.livemode = ${livemode} and c.deleted_at is null and c.id <> ${id}`;
  const rows = rowsOf<{ id: string; same_email: boolean; same_phone: boolean; same_card: boolean }>(
    await db.execute(sql`
      with target as (
        -- A phone or card too many customers share is no signal at all (MAX_SHARED_KEY).
        select t.mailbox_identity, t.name_key,
          case when (select count(*) from (select 1 from customers s
                      where s.account_id = ${accountId} and s.livemode = ${livemode}
                        and s.deleted_at is null and s.phone = t.phone
                      limit ${MAX_SHARED_KEY + 1}) as sharing) <= ${MAX_SHARED_KEY}
               then t.phone end as phone
        from customers t where t.account_id = ${accountId} and t.id = ${id}
      ), cards as (
        select fingerprint from payment_methods own
        where own.account_id = ${accountId} and own.livemode = ${livemode}
          and own.customer_id = ${id} and own.detached_at is null
          and (select count(*) from (select 1 from payment_methods s
                where s.account_id = ${accountId} and s.livemode = ${livemode}
                  and s.detached_at is null and s.fingerprint = own.fingerprint
                limit ${MAX_SHARED_KEY + 1}) as sharing) <= ${MAX_SHARED_KEY}
      ), candidates as (
        (select c.id from customers c, target t
          where ${live} and c.mailbox_identity = t.mailbox_identity limit ${CANDIDATES_PER_SIGNAL})
        union
        (select c.id from customers c, target t
          where ${live} and t.phone is not null and c.phone = t.phone
          limit ${CANDIDATES_PER_SIGNAL})
        union
        (select pm.customer_id from payment_methods pm
          where pm.account_id = ${accountId} and pm.livemode = ${livemode}
            and pm.detached_at is null and pm.customer_id <> ${id}
            and pm.fingerprint in (select fingerprint from cards)
          limit ${CANDIDATES_PER_SIGNAL})
        union
        (select c.id from customers c, target t
          where ${live} and t.name_key <> '' and c.name_key = t.name_key
          limit ${CANDIDATES_PER_SIGNAL})
      )
      select c.id,
        coalesce(c.mailbox_identity = t.mailbox_identity, false) as same_email,
        coalesce(c.phone = t.phone, false) as same_phone,
        exists (
          select 1 from payment_methods pm
          where pm.customer_id = c.id and pm.account_id = ${accountId}
            and pm.livemode = ${livemode} and pm.detached_at is null
            and pm.fingerprint in (select fingerprint from cards)
        ) as same_card
      from customers c join candidates using (id), target t
      where ${live}
    `),
  );
  const found = new Map(rows.map((row) => [row.id, row]));
  const candidates: DuplicateCandidate[] = [];
  for (const row of await liveCustomers(db, scope, [...found.keys()])) {
    const signals = found.get(row.id);
    if (!signals) continue;
    const score = scored(target, row, {
      sameEmail: signals.same_email,
      samePhone: signals.same_phone,
      sameCard: signals.same_card,
    });
    if (score) candidates.push({ customer: toCustomer(row), ...score });
  }
  return candidates.sort((a, b) => b.score - a.score || a.customer.id.localeCompare(b.customer.id));
}

/** Union-find over customer ids: which customers end up in one group. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(id: string): string {
    let root = id;
    while (this.parent.has(root) && this.parent.get(root) !== root) {
      root = this.parent.get(root) as string;
    }
    this.parent.set(id, root);
    return root;
  }
  join(a: string, b: string): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  members(): Map<string, string[]> {
    const byRoot = new Map<string, string[]>();
    for (const id of this.parent.keys()) {
      const root = this.find(id);
      byRoot.set(root, [...(byRoot.get(root) ?? []), id]);
    }
    return byRoot;
  }
}

/**
 * Every duplicate group of the scope, scored. One aggregate over the signal indexes finds the keys
 * (mailbox, phone, card fingerprint) that more than one live customer shares; customers sharing
 * any are candidates, scored pair by pair (their names' similarity counts there too); pairs at
 * `minScore` or above join their customers into groups. Two customers whose only likeness is a
 * near-identical name are found by each one's own check (`findCustomerDuplicates`), not here: pairing every shared name in a million would be quadratic, and mostly namesakes.
 * A full scan, so a page costs the scan: at 1M customers, see docs/benchmarks.md.
 */
export async function findDuplicateGroups(
  db: Executor,
  scope: Scope,
  minScore: number,
): Promise<DuplicateGroup[]> {
  const { accountId, livemode } = scope;
  const shared = rowsOf<{ kind: 'email' | 'phone' | 'card'; ids: string[] }>(
    await db.execute(sql`
      select kind, array_agg(distinct id) as ids from (
        select 'email' as kind, mailbox_identity as key, id from customers
          where account_id = ${accountId} and livemode = ${livemode} and deleted_at is null
            and mailbox_identity is not null
        union all
        select 'phone', phone, id from customers
          where account_id = ${accountId} and livemode = ${livemode} and deleted_at is null
            and phone is not null
        union all
        select 'card', pm.fingerprint, pm.customer_id from payment_methods pm
          join customers c
            on c.account_id = pm.account_id and c.id = pm.customer_id and c.deleted_at is null
          where pm.account_id = ${accountId} and pm.livemode = ${livemode}
            and pm.detached_at is null
      ) keys
      group by kind, key
      having count(distinct id) between 2 and ${MAX_SHARED_KEY}
    `),
  );
  // Which signals each pair shares, from the keys they share.
  const pairSignals = new Map<string, Signals>();
  const candidates = new Groups();
  for (const { kind, ids } of shared) {
    const sorted = [...ids].sort();
    for (let i = 0; i < sorted.length; i += 1) {
      for (let j = i + 1; j < sorted.length; j += 1) {
        const [a, b] = [sorted[i] as string, sorted[j] as string];
        const key = `${a} ${b}`;
        const signals = pairSignals.get(key) ?? {
          sameEmail: false,
          samePhone: false,
          sameCard: false,
        };
        if (kind === 'email') signals.sameEmail = true;
        if (kind === 'phone') signals.samePhone = true;
        if (kind === 'card') signals.sameCard = true;
        pairSignals.set(key, signals);
        candidates.join(a, b);
      }
    }
  }
  const rows = new Map(
    (
      await liveCustomers(db, scope, [
        ...new Set([...pairSignals.keys()].flatMap((k) => k.split(' '))),
      ])
    ).map((row) => [row.id, row]),
  );
  const groups = new Groups();
  const pairs: DuplicatePair[] = [];
  for (const [key, signals] of pairSignals) {
    const [a, b] = key.split(' ') as [string, string];
    const rowA = rows.get(a);
    const rowB = rows.get(b);
    if (!rowA || !rowB) continue;
    const score = scored(rowA, rowB, signals);
    if (!score || score.score < minScore) continue;
    pairs.push({ a, b, score: score.score, reasons: score.reasons });
    groups.join(a, b);
  }
  const result: DuplicateGroup[] = [];
  for (const members of groups.members().values()) {
    const memberRows = members
      .map((id) => rows.get(id))
      .filter((row): row is CustomerRow => row !== undefined)
      .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || y.id.localeCompare(x.id));
    const inGroup = new Set(members);
    const groupPairs = pairs.filter((pair) => inGroup.has(pair.a));
    const best = Math.max(...groupPairs.map((pair) => pair.score));
    const newest = memberRows[0];
    if (!newest) continue;
    result.push({
      object: 'duplicate_group',
      id: newest.id,
      score: best,
      level: best >= LIKELY_THRESHOLD ? 'likely' : 'possible',
      customers: memberRows.map(toCustomer),
      pairs: groupPairs,
    });
  }
  return result;
}

/** Groups newest first (by their newest customer), a page at a time after a cursor group. */
export async function listDuplicateGroups(db: Executor, scope: Scope, params: DuplicateListQuery) {
  const groups = await findDuplicateGroups(db, scope, params.minScore);
  const newestOf = (group: DuplicateGroup) => group.customers[0] as Customer;
  const order = (x: DuplicateGroup, y: DuplicateGroup) =>
    newestOf(y).createdAt.localeCompare(newestOf(x).createdAt) || y.id.localeCompare(x.id);
  groups.sort(order);
  const cursorId = params.startingAfter ?? params.endingBefore;
  let page: DuplicateGroup[];
  let hasMore: boolean;
  if (cursorId === undefined) {
    page = groups.slice(0, params.limit);
    hasMore = groups.length > params.limit;
  } else {
    // The cursor's position is its customer's, so a group that changed since still pages right.
    const [cursor] = await db
      .select({ createdAt: customers.createdAt, id: customers.id })
      .from(customers)
      .where(and(eq(customers.id, cursorId), inScope(customers, scope)));
    if (!cursor) throw cursorMissing(params);
    const at = { createdAt: cursor.createdAt.toISOString(), id: cursor.id };
    const before = (group: DuplicateGroup) => {
      const newest = newestOf(group);
      return (
        newest.createdAt > at.createdAt || (newest.createdAt === at.createdAt && group.id > at.id)
      );
    };
    if (params.startingAfter !== undefined) {
      const after = groups.filter((group) => !before(group) && group.id !== at.id);
      page = after.slice(0, params.limit);
      hasMore = after.length > params.limit;
    } else {
      const newer = groups.filter(before);
      page = newer.slice(-params.limit);
      hasMore = newer.length > params.limit;
    }
  }
  return { data: page, hasMore };
}
