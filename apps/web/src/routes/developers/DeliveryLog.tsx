import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { PagedList } from '../../components/PagedList';
import { PanelHeader } from '../../components/PanelHeader';
import { describeError } from '../../lib/errors';
import { formatClock, formatDate, formatPreciseTimestamp } from '../../lib/format';
import { FIRST_PAGE, isFirstPage, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';
import type { WebhookDelivery } from '../../lib/types';
import { deliveryResult, formatDuration, liveRefresh } from '../../lib/webhooks';

const PAGE_SIZE = 20;

/**
 * Every attempt to deliver to this endpoint, newest first: when, which event, the attempt's
 * number, what the endpoint answered (or why it did not), how long it took, the start of its
 * answer, and when it is tried next. Resend queues the event to this endpoint again.
 */
export function DeliveryLog({ endpointId, canResend }: { endpointId: string; canResend: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<{ text: string; warning: boolean } | undefined>();
  const deliveries = useQuery(
    trpc.webhookEndpoints.deliveries.queryOptions(
      { id: endpointId, limit: PAGE_SIZE, ...cursor },
      {
        placeholderData: keepPreviousData,
        refetchInterval: isFirstPage(cursor) ? liveRefresh : false,
      },
    ),
  );
  const resend = useMutation(
    trpc.events.redeliver.mutationOptions({
      onSuccess: async (event) => {
        setNotice({
          text: `Resent ${event.type} (${event.id}). The new attempt appears here shortly.`,
          warning: false,
        });
        setCursor(FIRST_PAGE);
        await queryClient.invalidateQueries({
          queryKey: trpc.webhookEndpoints.deliveries.pathKey(),
        });
      },
      onError: (error) => setNotice({ text: describeError(error), warning: true }),
    }),
  );

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const resending = resend.isPending ? resend.variables : undefined;

  return (
    <section className="panel" aria-labelledby="deliveries-heading">
      <PanelHeader
        headingId="deliveries-heading"
        title="Delivery log"
        notice={notice?.text}
        warning={notice?.warning ?? false}
      />
      <PagedList
        query={deliveries}
        cursor={cursor}
        onPage={setCursor}
        loadingLabel="Loading deliveries…"
        errorTitle="The delivery log could not be loaded"
        empty="No deliveries yet. Events this endpoint receives, and test events, appear here."
        pagerLabel="Delivery log pages"
      >
        {(rows) => (
          <div className="table-scroll">
            <table className="table table--cards deliveries">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col" className="table__number">
                    Attempt
                  </th>
                  <th scope="col">Result</th>
                  <th scope="col" className="table__number">
                    Duration
                  </th>
                  <th scope="col">Next retry</th>
                  <th scope="col">Response</th>
                  {canResend && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((delivery) => (
                  <DeliveryRow
                    key={delivery.id}
                    delivery={delivery}
                    open={expanded.has(delivery.id)}
                    onToggle={() => toggle(delivery.id)}
                    resend={
                      canResend
                        ? {
                            pending:
                              resending?.id === delivery.event &&
                              resending.endpoint === delivery.endpoint,
                            disabled: resend.isPending,
                            onClick: () => {
                              setNotice(undefined);
                              resend.mutate({ id: delivery.event, endpoint: delivery.endpoint });
                            },
                          }
                        : undefined
                    }
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
    </section>
  );
}

function DeliveryRow({
  delivery,
  open,
  onToggle,
  resend,
}: {
  delivery: WebhookDelivery;
  open: boolean;
  onToggle: () => void;
  resend: { pending: boolean; disabled: boolean; onClick: () => void } | undefined;
}) {
  const result = deliveryResult(delivery);
  const responseId = `response-${delivery.id}`;
  const excerpt = delivery.responseExcerpt ?? '';
  const columns = resend ? 8 : 7;
  return (
    <Fragment>
      <tr className={open ? 'deliveries__row--open' : undefined}>
        <td data-label="Time">
          <Moment at={delivery.createdAt} />
        </td>
        <td data-label="Event" className="table__primary">
          <span className="stacked">
            <Link to={`/developers/events/${delivery.event}`}>{delivery.eventType}</Link>
            <code className="table__muted">{delivery.event}</code>
          </span>
        </td>
        <td data-label="Attempt" className="table__number">
          {delivery.attempt}
        </td>
        <td data-label="Result">
          <span className={`status-badge status-badge--${result.tone}`}>{result.label}</span>
        </td>
        <td data-label="Duration" className="table__number">
          {formatDuration(delivery.durationMs)}
        </td>
        <td data-label="Next retry">
          {delivery.nextRetryAt ? (
            <Moment at={delivery.nextRetryAt} />
          ) : (
            <span className="table__muted">—</span>
          )}
        </td>
        <td data-label="Response">
          {excerpt === '' ? (
            <span className="table__muted">Empty</span>
          ) : (
            <button
              type="button"
              className="button button--secondary button--small"
              aria-expanded={open}
              aria-controls={responseId}
              aria-label={`${open ? 'Hide' : 'Show'} the response to attempt ${delivery.attempt} of ${delivery.event}`}
              onClick={onToggle}
            >
              {open ? 'Hide' : 'Show'}
            </button>
          )}
        </td>
        {resend && (
          <td className="table__actions">
            <div className="row-actions">
              <button
                type="button"
                className="button button--secondary button--small"
                aria-label={`Resend ${delivery.event}`}
                disabled={resend.disabled}
                onClick={resend.onClick}
              >
                {resend.pending ? 'Resending…' : 'Resend'}
              </button>
            </div>
          </td>
        )}
      </tr>
      {open && excerpt !== '' && (
        <tr id={responseId} className="deliveries__response">
          <td colSpan={columns} data-label="Response body">
            <pre className="code-block">{excerpt}</pre>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** The time with its seconds, and the day under it: narrow enough for a wide log. */
function Moment({ at }: { at: string }) {
  return (
    <time dateTime={at} title={formatPreciseTimestamp(at)} className="stacked">
      <span>{formatClock(at)}</span>
      <span className="table__muted">{formatDate(at)}</span>
    </time>
  );
}
