import { ALL_EVENTS } from '@peasswap/domain';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useCan, useSession } from '../../app/session';
import { EmptyState, ErrorNotice, Loading } from '../../components/States';
import { errorData } from '../../lib/errors';
import { formatTimestamp, orDash } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import type { WebhookEndpoint } from '../../lib/types';
import { liveRefresh, systemDisabledReason } from '../../lib/webhooks';
import { DeliveryLog } from './DeliveryLog';
import { RequirePermission } from './DevelopersLayout';
import { EndpointActions } from './EndpointActions';
import { EndpointStatus } from './EndpointStatus';

export function WebhookEndpointPage() {
  return (
    <RequirePermission permission="webhooks:read" title="Webhook endpoint">
      <Endpoint />
    </RequirePermission>
  );
}

function Endpoint() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const { environment } = useSession();
  const canWrite = useCan('webhooks:write');
  const [notice, setNotice] = useState<{ text: string; warning?: boolean } | undefined>();
  const endpoint = useQuery(
    trpc.webhookEndpoints.retrieve.queryOptions({ id }, { refetchInterval: liveRefresh }),
  );

  const back = (
    <Link to="/developers/webhooks" className="back-link">
      ← Webhooks
    </Link>
  );
  if (endpoint.isPending) {
    return (
      <>
        {back}
        <Loading label="Loading endpoint…" />
      </>
    );
  }
  if (endpoint.isError) {
    return (
      <>
        {back}
        {errorData(endpoint.error)?.code === 'resource_missing' ? (
          <EmptyState title="No such endpoint">
            <p>
              There is no webhook endpoint {id} in {environment} mode. It may have been deleted, or
              belong to the other environment.
            </p>
          </EmptyState>
        ) : (
          <ErrorNotice
            title="This endpoint could not be loaded"
            error={endpoint.error}
            onRetry={() => void endpoint.refetch()}
          />
        )}
      </>
    );
  }

  const data = endpoint.data;
  const disabledReason = systemDisabledReason(data);
  return (
    <>
      {back}
      <div className="page-header">
        <div className="page-header__title">
          <h1 className="break-anywhere page-title--url">{data.url}</h1>
          <p className="page-header__sub">
            {data.description ? `${data.description} · ` : ''}
            <code>{data.id}</code>
          </p>
        </div>
        {canWrite && <EndpointActions endpoint={data} onNotice={setNotice} />}
      </div>
      <div className={`status-line${notice?.warning ? ' status-line--warning' : ''}`} role="status">
        {notice?.text}
      </div>
      {disabledReason && (
        <div className="banner banner--warning" role="alert">
          <h2 className="banner__title">{disabledReason}</h2>
          <p>
            No events are sent to it, and those that happen meanwhile are not sent later. Fix your
            endpoint, send it a test event once enabled, and watch the log below.
          </p>
        </div>
      )}

      <section className="panel" aria-labelledby="endpoint-details-heading">
        <h2 id="endpoint-details-heading">Details</h2>
        <EndpointDetails endpoint={data} />
      </section>

      <DeliveryLog endpointId={data.id} canResend={canWrite && data.status === 'enabled'} />
    </>
  );
}

function EndpointDetails({ endpoint }: { endpoint: WebhookEndpoint }) {
  const all = endpoint.enabledEvents.includes(ALL_EVENTS);
  return (
    <dl className="details">
      <dt>URL</dt>
      <dd>
        <code>{endpoint.url}</code>
      </dd>
      <dt>Status</dt>
      <dd>
        <EndpointStatus endpoint={endpoint} />
      </dd>
      <dt>Events</dt>
      <dd>
        {all ? (
          'All events'
        ) : (
          <ul className="inline-list">
            {endpoint.enabledEvents.map((type) => (
              <li key={type}>
                <code>{type}</code>
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Description</dt>
      <dd>{orDash(endpoint.description)}</dd>
      <dt>Signing secret</dt>
      <dd className="table__muted">
        Shown only when the endpoint is created and when its secret is rolled.
      </dd>
      <dt>Created</dt>
      <dd>{formatTimestamp(endpoint.createdAt)}</dd>
    </dl>
  );
}
