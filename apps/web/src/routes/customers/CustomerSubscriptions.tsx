import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../app/session';
import { PagedList } from '../../components/PagedList';
import { PanelHeader } from '../../components/PanelHeader';
import { SubscriptionRenewal, SubscriptionStatus } from '../../components/SubscriptionStatus';
import { formatDate } from '../../lib/format';
import { FIRST_PAGE, type PageCursor } from '../../lib/pagination';
import { describePrice } from '../../lib/subscriptions';
import { useTRPC } from '../../lib/trpc';
import type { Subscription } from '../../lib/types';
import { CreateSubscriptionDialog } from './CreateSubscriptionDialog';
import { useCustomerCards } from './customer-cards';
import { SubscriptionActions } from './SubscriptionActions';

const PAGE_SIZE = 10;

interface Notice {
  message: string;
  warning?: boolean;
}

/** What became of a create: a first charge that failed leaves the subscription incomplete. */
function createdNotice(subscription: Subscription): Notice {
  switch (subscription.status) {
    case 'trialing':
      return {
        message: `Subscription created: the trial ends on ${formatDate(subscription.currentPeriodEnd)}.`,
      };
    case 'incomplete':
      return {
        message:
          'Subscription created, but its first payment failed: it is incomplete and will not renew.',
        warning: true,
      };
    default:
      return { message: 'Subscription created: the first period was charged.' };
  }
}

/** The customer's subscriptions: create, see status and next renewal, cancel now or at period end. */
export function CustomerSubscriptions({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const canWrite = useCan('subscriptions:write');
  const { nameOf } = useCustomerCards(customerId);
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<Notice | undefined>();
  const subscriptions = useQuery(
    trpc.subscriptions.list.queryOptions(
      { customer: customerId, limit: PAGE_SIZE, ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <section className="panel" aria-labelledby="subscriptions-heading">
      <PanelHeader
        headingId="subscriptions-heading"
        title="Subscriptions"
        action={
          canWrite
            ? {
                label: 'Create subscription',
                onClick: () => {
                  setNotice(undefined);
                  setCreating(true);
                },
              }
            : undefined
        }
        notice={notice?.message}
        warning={notice?.warning}
      />
      <PagedList
        query={subscriptions}
        cursor={cursor}
        onPage={setCursor}
        loadingLabel="Loading subscriptions…"
        errorTitle="Subscriptions could not be loaded"
        empty="No subscriptions yet."
        pagerLabel="Subscription pages"
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
                  <th scope="col">Next renewal</th>
                  <th scope="col">Payment method</th>
                  {canWrite && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((subscription) => (
                  <tr key={subscription.id}>
                    <td
                      data-label="Amount"
                      className="table__number table__primary"
                      id={`${subscription.id}-price`}
                    >
                      {describePrice(subscription)}
                    </td>
                    <td data-label="Status">
                      <SubscriptionStatus subscription={subscription} />
                    </td>
                    <td data-label="Next renewal">
                      <SubscriptionRenewal subscription={subscription} />
                    </td>
                    <td data-label="Payment method">
                      {subscription.defaultPaymentMethod ? (
                        (nameOf(subscription.defaultPaymentMethod) ?? (
                          <code>{subscription.defaultPaymentMethod}</code>
                        ))
                      ) : (
                        <span className="table__muted">Customer’s default</span>
                      )}
                    </td>
                    {canWrite && (
                      <td className="table__actions">
                        <SubscriptionActions
                          subscription={subscription}
                          describedBy={`${subscription.id}-price`}
                          onDone={(message) => setNotice({ message })}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      {canWrite && (
        <CreateSubscriptionDialog
          customerId={customerId}
          open={creating}
          onOpenChange={setCreating}
          onCreated={(subscription) => {
            setCreating(false);
            setCursor(FIRST_PAGE);
            setNotice(createdNotice(subscription));
          }}
        />
      )}
    </section>
  );
}
