import { TEST_EVENT_TYPE } from '@peasswap/domain';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useCan, useSession } from '../../app/session';
import { EmptyState, ErrorNotice, Loading } from '../../components/States';
import { describeError, errorData } from '../../lib/errors';
import { describeEventType, eventSubject } from '../../lib/events';
import { formatPreciseTimestamp, orDash } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import type { Event } from '../../lib/types';
import { RequirePermission } from './DevelopersLayout';

export function EventPage() {
  return (
    <RequirePermission permission="events:read" title="Event">
      <EventDetails />
    </RequirePermission>
  );
}

/** One event: where it came from, and its JSON exactly as webhooks deliver it. */
function EventDetails() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const { environment } = useSession();
  const event = useQuery(trpc.events.retrieve.queryOptions({ id }, { staleTime: Infinity }));

  const back = (
    <Link to="/developers/events" className="back-link">
      ← Events
    </Link>
  );
  if (event.isPending) {
    return (
      <>
        {back}
        <Loading label="Loading event…" />
      </>
    );
  }
  if (event.isError) {
    return (
      <>
        {back}
        {errorData(event.error)?.code === 'resource_missing' ? (
          <EmptyState title="No such event">
            <p>
              There is no event {id} in {environment} mode. Events are kept for 30 days, and each
              belongs to one environment.
            </p>
          </EmptyState>
        ) : (
          <ErrorNotice
            title="This event could not be loaded"
            error={event.error}
            onRetry={() => void event.refetch()}
          />
        )}
      </>
    );
  }

  const data = event.data;
  return (
    <>
      {back}
      <div className="page-header">
        <div className="page-header__title">
          <h1>{data.type}</h1>
          <p className="page-header__sub">
            {describeEventType(data.type)} · <code>{data.id}</code>
          </p>
        </div>
        <Redeliver event={data} />
      </div>

      <section className="panel" aria-labelledby="event-details-heading">
        <h2 id="event-details-heading">Details</h2>
        <EventMetadata event={data} />
      </section>

      <section className="panel" aria-labelledby="event-json-heading">
        <h2 id="event-json-heading">Event data</h2>
        <p className="hint hint--above">
          The body each webhook endpoint receives; its <code>webhook-id</code> header is the event’s
          id.
        </p>
        <pre className="code-block" tabIndex={0} aria-labelledby="event-json-heading">
          <code>{JSON.stringify(data, null, 2)}</code>
        </pre>
      </section>
    </>
  );
}

function EventMetadata({ event }: { event: Event }) {
  const subject = eventSubject(event.data);
  return (
    <dl className="details">
      <dt>Type</dt>
      <dd>
        <code>{event.type}</code>
      </dd>
      <dt>Time</dt>
      <dd>
        <time dateTime={event.createdAt} title={event.createdAt}>
          {formatPreciseTimestamp(event.createdAt)}
        </time>
      </dd>
      <dt>About</dt>
      <dd>
        {subject.id === undefined ? (
          '—'
        ) : subject.id === subject.customer ? (
          <Link to={`/customers/${subject.id}`}>{subject.id}</Link>
        ) : (
          <code>{subject.id}</code>
        )}
      </dd>
      {subject.customer && subject.customer !== subject.id && (
        <>
          <dt>Customer</dt>
          <dd>
            <Link to={`/customers/${subject.customer}`}>{subject.customer}</Link>
          </dd>
        </>
      )}
      <dt>Mode</dt>
      <dd>{event.livemode ? 'Live' : 'Test'}</dd>
      <dt>Request</dt>
      <dd>
        {event.request.id ? <code>{event.request.id}</code> : 'None: billing made this change'}
      </dd>
      <dt>Idempotency key</dt>
      <dd>
        {event.request.idempotencyKey ? <code>{event.request.idempotencyKey}</code> : orDash(null)}
      </dd>
    </dl>
  );
}

/** Send the event again to every enabled endpoint subscribed to its type. */
function Redeliver({ event }: { event: Event }) {
  const trpc = useTRPC();
  const canWrite = useCan('webhooks:write');
  const [notice, setNotice] = useState<{ text: string; warning: boolean } | undefined>();
  const redeliver = useMutation(
    trpc.events.redeliver.mutationOptions({
      onSuccess: () =>
        setNotice({
          text: `Queued again for every enabled endpoint subscribed to ${event.type}.`,
          warning: false,
        }),
      onError: (error) => setNotice({ text: describeError(error), warning: true }),
    }),
  );
  // A test event goes only to the endpoint it was sent to: resend it from that endpoint's log.
  if (!canWrite || event.type === TEST_EVENT_TYPE) return null;
  return (
    <div className="page-actions page-actions--stacked">
      <button
        type="button"
        className="button button--secondary"
        disabled={redeliver.isPending}
        onClick={() => {
          setNotice(undefined);
          redeliver.mutate({ id: event.id });
        }}
      >
        {redeliver.isPending ? 'Resending…' : 'Resend to endpoints'}
      </button>
      <p className={`status-line${notice?.warning ? ' status-line--warning' : ''}`} role="status">
        {notice?.text}
      </p>
    </div>
  );
}
