import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { PagedList } from '../../components/PagedList';
import { EmptyState } from '../../components/States';
import { comparePath, describeReasons, formatScore } from '../../lib/duplicates';
import { cursorFromParams, cursorParams, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';
import type { DuplicateGroup } from '../../lib/types';
import { DuplicateLevel } from './DuplicateLevel';

const PAGE_SIZE = 20;

/** Groups of customers that look like one person, each opening a side-by-side comparison. */
export function DuplicatesPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const cursor = cursorFromParams(params);
  const groups = useQuery(
    trpc.duplicates.list.queryOptions(
      { limit: PAGE_SIZE, ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Duplicates</h1>
          <p className="page-header__sub">
            Customers sharing a mailbox, a phone or a card. Compare them, then merge them into one.
          </p>
        </div>
      </div>
      <PagedList
        query={groups}
        cursor={cursor}
        onPage={(next: PageCursor) => setParams(cursorParams(next))}
        loadingLabel="Looking for duplicates…"
        errorTitle="Duplicates could not be loaded"
        empty={
          <EmptyState title="No duplicates found">
            <p>No two customers share a mailbox, a phone or a card.</p>
          </EmptyState>
        }
        pagerLabel="Duplicate pages"
        label="Duplicate groups"
        className="duplicate-groups"
      >
        {(rows) => (
          <ul className="duplicate-groups__list">
            {rows.map((group) => (
              <GroupItem key={group.id} group={group} />
            ))}
          </ul>
        )}
      </PagedList>
    </>
  );
}

function GroupItem({ group }: { group: DuplicateGroup }) {
  const names = group.customers.map((customer) => customer.name).join(' · ');
  const reasons = [...new Set(group.pairs.flatMap((pair) => pair.reasons))];
  return (
    <li className="duplicate-group">
      <div className="duplicate-group__head">
        <Link to={comparePath(group.customers.map((customer) => customer.id))}>{names}</Link>
        <span className="duplicate-group__score">
          <DuplicateLevel level={group.level} /> {formatScore(group.score)}
        </span>
      </div>
      <p className="duplicate-group__why">
        {group.customers.length} customers · {describeReasons(reasons)}
      </p>
      <ul className="inline-list duplicate-group__emails">
        {group.customers.map((customer) => (
          <li key={customer.id} className="break-anywhere">
            {customer.email}
          </li>
        ))}
      </ul>
    </li>
  );
}
