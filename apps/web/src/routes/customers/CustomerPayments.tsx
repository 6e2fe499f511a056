import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { PagedList } from '../../components/PagedList';
import { formatTimestamp, orDash } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { FIRST_PAGE, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';

const PAGE_SIZE = 10;

/** The customer's payments, newest first, a page at a time. */
export function CustomerPayments({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const payments = useQuery(
    trpc.customers.payments.queryOptions(
      { id: customerId, limit: PAGE_SIZE, ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <section className="panel" aria-labelledby="payments-heading">
      <h2 id="payments-heading">Payments</h2>
      <PagedList
        query={payments}
        cursor={cursor}
        onPage={setCursor}
        loadingLabel="Loading payments…"
        errorTitle="Payments could not be loaded"
        empty="No payments yet."
        pagerLabel="Payment pages"
      >
        {(rows) => (
          <div className="table-scroll">
            <table className="table table--cards">
              <thead>
                <tr>
                  <th scope="col" className="table__number">
                    Amount
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Description</th>
                  <th scope="col">Date</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((payment) => (
                  <tr key={payment.id}>
                    <td data-label="Amount" className="table__number table__primary">
                      {formatMoney(payment.amount, payment.currency)}
                    </td>
                    <td data-label="Status">
                      <span className={`status-badge status-badge--${payment.status}`}>
                        {payment.status === 'succeeded' ? 'Succeeded' : 'Failed'}
                      </span>
                      {payment.failureCode && (
                        <span className="table__muted"> {payment.failureCode}</span>
                      )}
                    </td>
                    <td data-label="Description">{orDash(payment.description)}</td>
                    <td data-label="Date">
                      <time dateTime={payment.createdAt}>{formatTimestamp(payment.createdAt)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
    </section>
  );
}
