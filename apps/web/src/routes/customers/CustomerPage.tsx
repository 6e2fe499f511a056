import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useCan } from '../../app/session';
import { EmptyState, ErrorNotice, Loading } from '../../components/States';
import { useDashboard } from '../../app/DashboardClients';
import { errorData } from '../../lib/errors';
import { formatDate, formatTimestamp, orDash } from '../../lib/format';
import { formatPhone } from '../../lib/phone';
import { useTRPC } from '../../lib/trpc';
import type { Customer } from '../../lib/types';
import { CustomerActivity } from './CustomerActivity';
import { CustomerAnalyticsCards } from './CustomerAnalyticsCards';
import { CustomerDetailsForm } from './CustomerDetailsForm';
import { CustomerPaymentMethods } from './CustomerPaymentMethods';
import { CustomerPayments } from './CustomerPayments';
import { CustomerPaymentSchedules } from './CustomerPaymentSchedules';
import { CustomerSubscriptions } from './CustomerSubscriptions';
import { CustomerTimeline } from './CustomerTimeline';
import { DeleteCustomer } from './DeleteCustomer';
import { EraseCustomerData } from './EraseCustomerData';
import { ExportCustomerData } from './ExportCustomerData';
import { PossibleDuplicates } from './PossibleDuplicates';
import { isRedacted, useRedaction } from './redaction';

export function CustomerPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const { environment } = useDashboard();
  const customer = useQuery(trpc.customers.retrieve.queryOptions({ id }));
  // What brought us here, announced once (a merge names the customers folded into this one).
  const arrival = (useLocation().state as { notice?: string } | null)?.notice;

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

  return (
    <>
      {back}
      {/* Keyed: what one customer's page announced is not carried to the next one opened. */}
      <LoadedCustomer key={customer.data.id} data={customer.data} arrival={arrival} />
    </>
  );
}

/** The customer's page once loaded: its actions, details and every section the role may read. */
function LoadedCustomer({ data, arrival }: { data: Customer; arrival: string | undefined }) {
  const canWrite = useCan('customers:write');
  const canReadSubscriptions = useCan('subscriptions:read');
  const canReadPaymentMethods = useCan('payment_methods:read');
  const canReadEvents = useCan('events:read');
  const canReadAudit = useCan('audit:read');
  // What an action on this page did, announced in place of what brought us here.
  const [notice, setNotice] = useState<{ text: string; warning?: boolean }>();
  const [erasedAt, setErasedAt] = useState<string>();
  const redaction = useRedaction(data, erasedAt);

  return (
    <>
      <div className="page-header">
        <div className="page-header__title">
          <h1 className="break-anywhere">{data.name}</h1>
          <p className="page-header__sub">
            {data.email} · <code>{data.id}</code>
          </p>
        </div>
        <div className="page-header__actions">
          <ExportCustomerData customer={data} onNotice={setNotice} />
          {canWrite && !redaction.redacted && (
            <EraseCustomerData
              customer={data}
              onErased={(at) => {
                setErasedAt(at);
                setNotice(undefined);
              }}
            />
          )}
          {canWrite && <DeleteCustomer customer={data} />}
        </div>
      </div>
      <div className={`status-line${notice?.warning ? ' status-line--warning' : ''}`} role="status">
        {notice ? notice.text : arrival}
      </div>
      {redaction.redacted && (
        <div className="banner" role="note">
          <p>
            <strong>
              {redaction.at === undefined
                ? 'Personal data erased.'
                : `Personal data erased on ${formatDate(redaction.at)}.`}
            </strong>{' '}
            The name, email, phone, description and metadata shown are placeholders; payments are
            kept for accounting.
          </p>
        </div>
      )}

      <PossibleDuplicates customerId={data.id} />

      <CustomerAnalyticsCards customerId={data.id} />

      <section className="panel" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        {canWrite ? (
          // Afresh once the placeholders are in: the form's draft holds the values erased.
          <CustomerDetailsForm key={String(isRedacted(data))} customer={data} />
        ) : (
          <ReadOnlyDetails customer={data} />
        )}
      </section>

      {canReadPaymentMethods && <CustomerPaymentMethods customer={data} />}

      {canReadSubscriptions && <CustomerSubscriptions customerId={data.id} />}

      {canReadSubscriptions && <CustomerPaymentSchedules customerId={data.id} />}

      <CustomerPayments customerId={data.id} />

      {canReadAudit && <CustomerActivity customerId={data.id} />}

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
