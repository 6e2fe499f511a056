import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { CustomersTable } from '../../components/CustomersTable';
import { describeError, isClientError } from '../../lib/errors';
import { FIRST_PAGE, pageLinks, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';

const PAGE_SIZE = 10;

export function CustomersPage() {
  const trpc = useTRPC();
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const customers = useQuery(
    trpc.customers.list.queryOptions(
      { limit: PAGE_SIZE, ...cursor },
      // Keep the current rows on screen while the next page loads, instead of a blank table.
      { placeholderData: keepPreviousData },
    ),
  );

  if (customers.isPending) {
    return <p className="status">Loading customers…</p>;
  }

  if (customers.isError) {
    return (
      <div className="notice notice--error" role="alert">
        <p>{describeError(customers.error)}</p>
        {/* Asking again with the same key cannot change a 4xx; a network or server error may pass. */}
        {!isClientError(customers.error) && (
          <button type="button" className="button" onClick={() => void customers.refetch()}>
            Try again
          </button>
        )}
      </div>
    );
  }

  const page = customers.data;
  const onFirstPage = cursor.startingAfter === undefined && cursor.endingBefore === undefined;

  if (page.data.length === 0) {
    return onFirstPage ? (
      <div className="empty">
        <h2>No customers yet</h2>
        <p>
          Customers you create with the API (<code>POST /v1/customers</code>) appear here.
        </p>
      </div>
    ) : (
      // Rows can vanish between two clicks (deleted elsewhere): offer the way back.
      <div className="empty">
        <p>No customers on this page.</p>
        <button type="button" className="button" onClick={() => setCursor(FIRST_PAGE)}>
          Back to the first page
        </button>
      </div>
    );
  }

  const links = pageLinks(cursor, page);

  return (
    <section aria-labelledby="customers-heading" aria-busy={customers.isFetching}>
      <h2 id="customers-heading" className="visually-hidden">
        Customer list
      </h2>
      <CustomersTable customers={page.data} />
      <nav className="pager" aria-label="Customer pages">
        <button
          type="button"
          className="button button--secondary"
          disabled={links.previous === null || customers.isPlaceholderData}
          onClick={() => links.previous && setCursor(links.previous)}
        >
          Previous
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={links.next === null || customers.isPlaceholderData}
          onClick={() => links.next && setCursor(links.next)}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
