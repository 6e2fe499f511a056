import type { AuditEntry } from '@peasswap/domain';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { PagedList } from '../../components/PagedList';
import { formatPreciseTimestamp } from '../../lib/format';
import { FIRST_PAGE, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';
import { changeLines, describeAction, describeActor, describeField } from './activity';
import { useUserEmails } from './user-emails';

const PAGE_SIZE = 10;

/**
 * Who changed what and when, newest first: the audit log's entries about the customer (their own
 * changes and their payments’, cards’, subscriptions’ and schedules’), each field before → after.
 * After an erasure the entries stay but their values are gone: "values erased".
 */
export function CustomerActivity({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const emailOf = useUserEmails();
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const entries = useQuery(
    trpc.auditLog.list.queryOptions(
      { customer: customerId, limit: PAGE_SIZE, ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );
  // Back at the newest entries by Previous: that page is the first one, and as the first one it
  // shows the changes made from now on (a page ending before an entry never would).
  const backAtNewest =
    cursor.endingBefore !== undefined &&
    entries.isSuccess &&
    !entries.isPlaceholderData &&
    !entries.data.hasMore;
  useEffect(() => {
    if (backAtNewest) setCursor(FIRST_PAGE);
  }, [backAtNewest]);

  return (
    <section className="panel" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity</h2>
      <PagedList
        query={entries}
        cursor={cursor}
        onPage={setCursor}
        loadingLabel="Loading the activity…"
        errorTitle="The activity could not be loaded"
        empty="No changes recorded yet."
        pagerLabel="Activity pages"
      >
        {(rows) => (
          <ol className="timeline" aria-label="Changes, newest first">
            {rows.map((entry) => (
              <ActivityEntry
                key={entry.id}
                entry={entry}
                actor={describeActor(entry.actor, emailOf)}
              />
            ))}
          </ol>
        )}
      </PagedList>
    </section>
  );
}

function ActivityEntry({ entry, actor }: { entry: AuditEntry; actor: string }) {
  const lines = changeLines(entry.fields, entry.changes);
  return (
    <li className="timeline__item">
      <time dateTime={entry.createdAt} className="timeline__time">
        {formatPreciseTimestamp(entry.createdAt)}
      </time>
      <div className="timeline__what">
        <p className="activity__summary">
          <strong>{describeAction(entry.action)}</strong> by{' '}
          <span className="activity__actor">{actor}</span>
        </p>
        {lines === null ? (
          <p className="activity__erased">
            {entry.fields.length > 0 && <>{entry.fields.map(describeField).join(', ')}: </>}
            values erased
          </p>
        ) : (
          lines.length > 0 && (
            <dl className="activity__changes">
              {lines.map((line) => (
                <div key={line.field} className="activity__change">
                  <dt>{line.label}</dt>
                  <dd>
                    {line.before !== undefined && (
                      <>
                        <span className="activity__before">{line.before}</span>
                        <span aria-hidden="true"> → </span>
                        <span className="visually-hidden"> changed to </span>
                      </>
                    )}
                    <span className="activity__after">{line.after}</span>
                  </dd>
                </div>
              ))}
            </dl>
          )
        )}
      </div>
    </li>
  );
}
