import { useQueries } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { SubscriptionRenewal, SubscriptionStatus } from '../../components/SubscriptionStatus';
import { formatTimestamp } from '../../lib/format';
import { describePrice } from '../../lib/subscriptions';
import { useTRPC } from '../../lib/trpc';
import type { Subscription } from '../../lib/types';

/**
 * Subscriptions across customers; each row opens its customer's page (the customer's name is the
 * row's link, so the keyboard reaches every row with Tab).
 */
export function SubscriptionsTable({ subscriptions }: { subscriptions: readonly Subscription[] }) {
  const navigate = useNavigate();
  const names = useCustomerNames(subscriptions);
  return (
    <div className="table-scroll">
      <table className="table table--cards table--clickable">
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col" className="table__number">
              Amount
            </th>
            <th scope="col">Status</th>
            <th scope="col">Next renewal</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {subscriptions.map((subscription) => {
            const to = `/customers/${subscription.customer}`;
            return (
              <tr key={subscription.id} onClick={() => void navigate(to)}>
                <td data-label="Customer" className="table__primary">
                  <Link to={to} onClick={(event) => event.stopPropagation()}>
                    {names.get(subscription.customer) ?? <code>{subscription.customer}</code>}
                  </Link>
                </td>
                <td data-label="Amount" className="table__number">
                  {describePrice(subscription)}
                </td>
                <td data-label="Status">
                  <SubscriptionStatus subscription={subscription} />
                </td>
                <td data-label="Next renewal">
                  <SubscriptionRenewal subscription={subscription} />
                </td>
                <td data-label="Created">
                  <time dateTime={subscription.createdAt} title={subscription.createdAt}>
                    {formatTimestamp(subscription.createdAt)}
                  </time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The customers' names, asked for once per customer on the page (tRPC batches them into one
 * request). A customer deleted with their subscription is not asked for: they are gone, and the
 * row shows their id.
 */
function useCustomerNames(subscriptions: readonly Subscription[]): Map<string, string> {
  const trpc = useTRPC();
  const ids = [
    ...new Set(
      subscriptions
        .filter((subscription) => subscription.cancellationReason !== 'customer_deleted')
        .map((subscription) => subscription.customer),
    ),
  ];
  const customers = useQueries({
    queries: ids.map((id) => trpc.customers.retrieve.queryOptions({ id }, { staleTime: 60_000 })),
  });
  const names = new Map<string, string>();
  for (const customer of customers) {
    if (customer.data) names.set(customer.data.id, customer.data.name);
  }
  return names;
}
