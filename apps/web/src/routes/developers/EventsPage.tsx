import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useSession } from '../../app/session';
import { PagedList } from '../../components/PagedList';
import { SelectField } from '../../components/SelectField';
import { EmptyState } from '../../components/States';
import {
  ALL_TYPES_FILTER,
  describeEventType,
  eventSubject,
  FILTER_GROUPS,
  parseTypeFilter,
} from '../../lib/events';
import { formatPreciseTimestamp } from '../../lib/format';
import { cursorFromParams, cursorParams, isFirstPage, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';
import type { Event } from '../../lib/types';
import { RequirePermission } from './DevelopersLayout';

const PAGE_SIZE = 20;

export function EventsPage() {
  return (
    <RequirePermission permission="events:read" title="Events">
      <Events />
    </RequirePermission>
  );
}

/**
 * Every event of the environment, newest first, filtered by type: all, one object's (`customer.*`)
 * or one exact type. The page's state lives in the URL (?type=, ?after=, ?before=).
 */
function Events() {
  const trpc = useTRPC();
  const { environment } = useSession();
  const [params, setParams] = useSearchParams();
  const type = parseTypeFilter(params.get('type'));
  const cursor = cursorFromParams(params);
  const filtered = type !== ALL_TYPES_FILTER;
  const events = useQuery(
    trpc.events.list.queryOptions(
      { limit: PAGE_SIZE, ...(filtered && { type }), ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );

  function goTo(next: PageCursor) {
    setParams({ ...(filtered && { type }), ...cursorParams(next) });
  }

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Events</h1>
          <p className="page-header__sub">
            Every change in {environment} mode, as webhooks deliver it. Kept for 30 days.
          </p>
        </div>
      </div>
      <div className="filters filters--wide">
        <SelectField
          label="Type"
          name="type"
          value={type}
          // A new filter starts from the first page.
          onValueChange={(next) => setParams(next === ALL_TYPES_FILTER ? {} : { type: next })}
        >
          <option value={ALL_TYPES_FILTER}>All events</option>
          <optgroup label="Every event of an object">
            {FILTER_GROUPS.map((group) => (
              <option key={group.object} value={`${group.object}.*`}>
                {`${group.object}.*`}
              </option>
            ))}
          </optgroup>
          {FILTER_GROUPS.map((group) => (
            <optgroup key={group.object} label={group.label}>
              {group.types.map((eventType) => (
                <option key={eventType} value={eventType}>
                  {eventType}
                </option>
              ))}
            </optgroup>
          ))}
        </SelectField>
      </div>

      <PagedList
        query={events}
        cursor={cursor}
        onPage={goTo}
        loadingLabel="Loading events…"
        errorTitle="Events could not be loaded"
        empty={
          isFirstPage(cursor) ? (
            <EmptyState title={filtered ? `No ${type} events` : `No ${environment} events yet`}>
              <p>
                {filtered
                  ? 'Choose another type to see the rest.'
                  : 'Creating or changing a customer, a payment or a subscription records one.'}
              </p>
            </EmptyState>
          ) : (
            <EmptyState title="No events on this page">
              <button
                type="button"
                className="button"
                onClick={() => setParams(filtered ? { type } : {})}
              >
                Back to the first page
              </button>
            </EmptyState>
          )
        }
        pagerLabel="Event pages"
        label="Event list"
      >
        {(rows) => <EventsTable events={rows} />}
      </PagedList>
    </>
  );
}

function EventsTable({ events }: { events: readonly Event[] }) {
  const navigate = useNavigate();
  return (
    <div className="table-scroll">
      <table className="table table--cards table--clickable">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">About</th>
            <th scope="col">Id</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const to = `/developers/events/${event.id}`;
            const subject = eventSubject(event.data);
            return (
              <tr key={event.id} onClick={() => void navigate(to)}>
                <td data-label="Event" className="table__primary">
                  <span className="stacked">
                    <Link to={to} onClick={(click) => click.stopPropagation()}>
                      {event.type}
                    </Link>
                    <span className="table__muted">{describeEventType(event.type)}</span>
                  </span>
                </td>
                <td data-label="About">{subject.id ? <code>{subject.id}</code> : '—'}</td>
                <td data-label="Id">
                  <code className="table__muted">{event.id}</code>
                </td>
                <td data-label="Time">
                  <time dateTime={event.createdAt} title={event.createdAt}>
                    {formatPreciseTimestamp(event.createdAt)}
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
