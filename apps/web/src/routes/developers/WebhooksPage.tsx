import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useCan, useSession } from '../../app/session';
import { PagedList } from '../../components/PagedList';
import { EmptyState } from '../../components/States';
import { describeEnabledEvents } from '../../lib/events';
import { formatTimestamp } from '../../lib/format';
import { cursorFromParams, cursorParams, isFirstPage, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';
import type { WebhookEndpoint } from '../../lib/types';
import { systemDisabledReason } from '../../lib/webhooks';
import { CreateWebhookEndpointDialog } from './CreateWebhookEndpointDialog';
import { RequirePermission } from './DevelopersLayout';
import { EndpointStatus } from './EndpointStatus';

const PAGE_SIZE = 20;

export function WebhooksPage() {
  return (
    <RequirePermission permission="webhooks:read" title="Webhooks">
      <Webhooks />
    </RequirePermission>
  );
}

/** The environment's endpoints, newest first; the page lives in the URL like the other lists. */
function Webhooks() {
  const trpc = useTRPC();
  const { environment } = useSession();
  const canWrite = useCan('webhooks:write');
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const cursor = cursorFromParams(params);
  const [adding, setAdding] = useState(false);
  const notice = (location.state as { notice?: string } | null)?.notice;
  const endpoints = useQuery(
    trpc.webhookEndpoints.list.queryOptions(
      { limit: PAGE_SIZE, ...cursor },
      // Asked again on every visit: delivery may have disabled one since (a 410, 3 days failing).
      { placeholderData: keepPreviousData, staleTime: 0 },
    ),
  );

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Webhooks</h1>
          <p className="page-header__sub">
            Endpoints that receive {environment} events as they happen, each signed with the
            endpoint’s own secret.
          </p>
        </div>
        {canWrite && (
          <button type="button" className="button" onClick={() => setAdding(true)}>
            Add endpoint
          </button>
        )}
      </div>
      <div className="status-line" role="status">
        {notice}
      </div>
      {endpoints.data && <DisabledBySystem endpoints={endpoints.data.data} />}

      <PagedList
        query={endpoints}
        cursor={cursor}
        onPage={(next: PageCursor) => setParams(cursorParams(next))}
        loadingLabel="Loading webhook endpoints…"
        errorTitle="Webhook endpoints could not be loaded"
        empty={
          isFirstPage(cursor) ? (
            <EmptyState title={`No ${environment} endpoints yet`}>
              <p>Add one to have events POSTed to your server as they happen.</p>
            </EmptyState>
          ) : (
            <EmptyState title="No endpoints on this page">
              <button type="button" className="button" onClick={() => setParams({})}>
                Back to the first page
              </button>
            </EmptyState>
          )
        }
        pagerLabel="Endpoint pages"
        label="Webhook endpoints"
      >
        {(rows) => <EndpointsTable endpoints={rows} />}
      </PagedList>

      {canWrite && (
        <CreateWebhookEndpointDialog
          open={adding}
          onOpenChange={setAdding}
          environment={environment}
          onDone={(endpoint) => void navigate(`/developers/webhooks/${endpoint.id}`)}
        />
      )}
    </>
  );
}

/** The system turned these off (3 days of failures, a 410): say so, and why, above the list. */
function DisabledBySystem({ endpoints }: { endpoints: readonly WebhookEndpoint[] }) {
  const disabled = endpoints.filter((endpoint) => systemDisabledReason(endpoint) !== undefined);
  if (disabled.length === 0) return null;
  return (
    <div className="banner banner--warning" role="alert">
      <h2 className="banner__title">
        {disabled.length === 1
          ? 'An endpoint was disabled'
          : `${disabled.length} endpoints were disabled`}
      </h2>
      <ul className="banner__list">
        {disabled.map((endpoint) => (
          <li key={endpoint.id}>
            <Link to={`/developers/webhooks/${endpoint.id}`} className="banner__url">
              {endpoint.url}
            </Link>
            : {systemDisabledReason(endpoint)} Fix it, then enable it again on its page.
          </li>
        ))}
      </ul>
    </div>
  );
}

function EndpointsTable({ endpoints }: { endpoints: readonly WebhookEndpoint[] }) {
  const navigate = useNavigate();
  return (
    <div className="table-scroll">
      <table className="table table--cards table--clickable">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((endpoint) => {
            const to = `/developers/webhooks/${endpoint.id}`;
            return (
              <tr key={endpoint.id} onClick={() => void navigate(to)}>
                <td data-label="URL" className="table__primary table__url">
                  <Link to={to} onClick={(event) => event.stopPropagation()}>
                    {endpoint.url}
                  </Link>
                  {endpoint.description && (
                    <span className="table__muted table__subline">{endpoint.description}</span>
                  )}
                </td>
                <td data-label="Events" className="table__wrap">
                  {describeEnabledEvents(endpoint.enabledEvents)}
                </td>
                <td data-label="Status">
                  <EndpointStatus endpoint={endpoint} />
                </td>
                <td data-label="Created">
                  <time dateTime={endpoint.createdAt} title={endpoint.createdAt}>
                    {formatTimestamp(endpoint.createdAt)}
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
