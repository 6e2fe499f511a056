import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { PagedList } from '../../components/PagedList';
import { describeEventType } from '../../lib/events';
import { formatPreciseTimestamp } from '../../lib/format';
import { FIRST_PAGE, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';

const PAGE_SIZE = 10;

/**
 * What happened to the customer, newest first: their own changes and their payments’, cards’,
 * subscriptions’ and schedules’, each opening its event.
 */
export function CustomerTimeline({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const events = useQuery(
    trpc.events.list.queryOptions(
      { customer: customerId, limit: PAGE_SIZE, ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <section className="panel" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <PagedList
        query={events}
        cursor={cursor}
        onPage={setCursor}
        loadingLabel="Loading the timeline…"
        errorTitle="The timeline could not be loaded"
        empty="Nothing recorded in the last 30 days."
        pagerLabel="Timeline pages"
      >
        {(rows) => (
          <ol className="timeline">
            {rows.map((event) => (
              <li key={event.id} className="timeline__item">
                <time dateTime={event.createdAt} className="timeline__time">
                  {formatPreciseTimestamp(event.createdAt)}
                </time>
                <span className="timeline__what">
                  <Link to={`/developers/events/${event.id}`}>{describeEventType(event.type)}</Link>{' '}
                  <code className="table__muted">{event.type}</code>
                </span>
              </li>
            ))}
          </ol>
        )}
      </PagedList>
    </section>
  );
}
