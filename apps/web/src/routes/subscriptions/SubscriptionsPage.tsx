import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { PagedList } from '../../components/PagedList';
import { SelectField } from '../../components/SelectField';
import { EmptyState } from '../../components/States';
import { cursorFromParams, cursorParams, isFirstPage, type PageCursor } from '../../lib/pagination';
import { parseStatusFilter, STATUS_FILTERS, STATUS_LABELS } from '../../lib/subscriptions';
import { useTRPC } from '../../lib/trpc';
import { SubscriptionsTable } from './SubscriptionsTable';

const PAGE_SIZE = 20;

/**
 * Every subscription of the environment, newest first, filtered by status. The page's state lives
 * in the URL (?status=, ?after=, ?before=), like the customers list.
 */
export function SubscriptionsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const status = parseStatusFilter(params.get('status'));
  const cursor = cursorFromParams(params);
  const subscriptions = useQuery(
    trpc.subscriptions.list.queryOptions(
      { limit: PAGE_SIZE, ...(status !== 'all' && { status }), ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );

  function goTo(next: PageCursor) {
    setParams({
      ...(status !== 'all' && { status }),
      ...cursorParams(next),
    });
  }

  const onFirstPage = isFirstPage(cursor);
  const statusWord = status === 'all' ? '' : `${STATUS_LABELS[status].toLowerCase()} `;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Subscriptions</h1>
          <p className="page-header__sub">
            Customers billed on a schedule. Create them from a customer’s page.
          </p>
        </div>
      </div>
      <div className="filters">
        <SelectField
          label="Status"
          name="status"
          value={status}
          // A new filter starts from the first page.
          onValueChange={(next) => setParams(next === 'all' ? {} : { status: next })}
        >
          {STATUS_FILTERS.map((filter) => (
            <option key={filter} value={filter}>
              {filter === 'all' ? 'All' : STATUS_LABELS[filter]}
            </option>
          ))}
        </SelectField>
      </div>

      <PagedList
        query={subscriptions}
        cursor={cursor}
        onPage={goTo}
        loadingLabel="Loading subscriptions…"
        errorTitle="Subscriptions could not be loaded"
        empty={
          onFirstPage ? (
            <EmptyState title={`No ${statusWord}subscriptions`}>
              <p>
                {status === 'all'
                  ? 'Subscriptions you create on a customer’s page or with the API appear here.'
                  : 'Choose another status to see the rest.'}
              </p>
            </EmptyState>
          ) : (
            <EmptyState title="No subscriptions on this page">
              <button
                type="button"
                className="button"
                onClick={() => setParams(status === 'all' ? {} : { status })}
              >
                Back to the first page
              </button>
            </EmptyState>
          )
        }
        pagerLabel="Subscription pages"
        label="Subscription list"
      >
        {(rows) => <SubscriptionsTable subscriptions={rows} />}
      </PagedList>
    </>
  );
}
