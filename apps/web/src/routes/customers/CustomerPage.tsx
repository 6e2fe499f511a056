import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { useCan } from '../../app/session';
import { EmptyState, ErrorNotice, Loading } from '../../components/States';
import { useDashboard } from '../../app/DashboardClients';
import { errorData } from '../../lib/errors';
import { formatTimestamp, orDash } from '../../lib/format';
import { formatPhone } from '../../lib/phone';
import { useTRPC } from '../../lib/trpc';
import type { Customer } from '../../lib/types';
import { CustomerAnalyticsCards } from './CustomerAnalyticsCards';
import { CustomerDetailsForm } from './CustomerDetailsForm';
import { CustomerPaymentMethods } from './CustomerPaymentMethods';
import { CustomerPayments } from './CustomerPayments';
import { CustomerPaymentSchedules } from './CustomerPaymentSchedules';
import { CustomerSubscriptions } from './CustomerSubscriptions';
import { CustomerTimeline } from './CustomerTimeline';
import { DeleteCustomer } from './DeleteCustomer';
import { PossibleDuplicates } from './PossibleDuplicates';

export function CustomerPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const { environment } = useDashboard();
  const canWrite = useCan('customers:write');
  const canReadSubscriptions = useCan('subscriptions:read');
  const canReadPaymentMethods = useCan('payment_methods:read');
  const canReadEvents = useCan('events:read');
  const customer = useQuery(trpc.customers.retrieve.queryOptions({ id }));
  // What brought us here, announced once (a merge names the customers folded into this one).
  const notice = (useLocation().state as { notice?: string } | null)?.notice;

  const back = (
    <Link to="/customers" className="back-link">
      ← Customers
    </Link>
  );

  if (customer.isPending) {
    return (
      <>
        {back}
        <Loading label="Loading customer…" />
      </>
    );
  }
  if (customer.isError) {
    return (
      <>
        {back}
        {errorData(customer.error)?.code === 'customer_merged' ? (
          <EmptyState title="This customer was merged">
            <p>
              {customer.error.message}{' '}
              <Link to={`/customers/${errorData(customer.error)?.customer ?? ''}`}>
                Go to the customer it was merged into
              </Link>
            </p>
          </EmptyState>
        ) : errorData(customer.error)?.code === 'resource_missing' ? (
          <EmptyState title="No such customer">
            <p>
              There is no customer {id} in {environment} mode. It may have been deleted, or belong
              to the other environment.
            </p>
          </EmptyState>
        ) : (
          <ErrorNotice
            title="This customer could not be loaded"
            error={customer.error}
            onRetry={() => void customer.refetch()}
          />
        )}
      </>
    );
  }

  const data = customer.data;
  return (
    <>
      {back}
      <div className="page-header">
        <div>
          <h1>{data.name}</h1>
          <p className="page-header__sub">
            {data.email} · <code>{data.id}</code>
          </p>
        </div>
        {canWrite && <DeleteCustomer customer={data} />}
      </div>
      <div className="status-line" role="status">
        {notice}
      </div>

      <PossibleDuplicates customerId={data.id} />

      <CustomerAnalyticsCards customerId={data.id} />

      <section className="panel" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        {canWrite ? <CustomerDetailsForm customer={data} /> : <ReadOnlyDetails customer={data} />}
      </section>

      {canReadPaymentMethods && <CustomerPaymentMethods customer={data} />}

      {canReadSubscriptions && <CustomerSubscriptions customerId={data.id} />}

      {canReadSubscriptions && <CustomerPaymentSchedules customerId={data.id} />}

      <CustomerPayments customerId={data.id} />

      {canReadEvents && <CustomerTimeline customerId={data.id} />}
    </>
  );
}

function ReadOnlyDetails({ customer }: { customer: Customer }) {
  return (
    <dl className="details">
      <dt>Name</dt>
      <dd>{customer.name}</dd>
      <dt>Email</dt>
      <dd>{customer.email}</dd>
      <dt>Phone</dt>
      <dd>{orDash(formatPhone(customer.phone))}</dd>
      <dt>Description</dt>
      <dd>{orDash(customer.description)}</dd>
      <dt>Metadata</dt>
      <dd>
        {Object.keys(customer.metadata).length === 0 ? (
          orDash(null)
        ) : (
          <dl className="metadata-list">
            {Object.entries(customer.metadata).map(([key, value]) => (
              <div key={key}>
                <dt>
                  <code>{key}</code>
                </dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        )}
      </dd>
      <dt>Created</dt>
      <dd>{formatTimestamp(customer.createdAt)}</dd>
    </dl>
  );
}
