import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactElement, ReactNode } from 'react';
import { pageLinks, type PageCursor } from '../lib/pagination';
import { Pager } from './Pager';
import { ErrorNotice, Loading } from './States';

interface Page<Row> {
  data: readonly Row[];
  hasMore: boolean;
}

/**
 * A list a page at a time: loading, the error with a retry, what to show when there is nothing
 * (a one-line hint in a customer-page section, a whole empty state on a list screen), else the
 * rows and Previous / Next. The rows stay while the next page loads. A list screen names its list
 * (`label`), which makes it a region of its own.
 */
export function PagedList<Row extends { id: string }>({
  query,
  cursor,
  onPage,
  loadingLabel,
  errorTitle,
  empty,
  pagerLabel,
  label,
  className,
  children,
}: {
  query: UseQueryResult<Page<Row>, unknown>;
  cursor: PageCursor;
  onPage: (cursor: PageCursor) => void;
  loadingLabel: string;
  errorTitle: string;
  empty: string | ReactElement;
  pagerLabel: string;
  label?: string;
  className?: string;
  children: (rows: readonly Row[]) => ReactNode;
}) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.isError) {
    return (
      <ErrorNotice title={errorTitle} error={query.error} onRetry={() => void query.refetch()} />
    );
  }
  if (query.data.data.length === 0) {
    return typeof empty === 'string' ? <p className="hint">{empty}</p> : empty;
  }
  const rows = (
    <>
      {children(query.data.data)}
      <Pager
        label={pagerLabel}
        links={pageLinks(cursor, query.data)}
        busy={query.isPlaceholderData}
        onPage={onPage}
      />
    </>
  );
  return label === undefined ? (
    <div aria-busy={query.isFetching} className={className}>
      {rows}
    </div>
  ) : (
    <section aria-label={label} aria-busy={query.isFetching} className={className}>
      {rows}
    </section>
  );
}
