import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { pageLinks, type PageCursor } from '../lib/pagination';
import { Pager } from './Pager';
import { ErrorNotice, Loading } from './States';

interface Page<Row> {
  data: readonly Row[];
  hasMore: boolean;
}

/**
 * A section's list a page at a time: loading, the error with a retry, a one-line hint when there
 * is nothing, else the rows and Previous / Next. The rows stay while the next page loads.
 */
export function PagedList<Row extends { id: string }>({
  query,
  cursor,
  onPage,
  loadingLabel,
  errorTitle,
  emptyHint,
  pagerLabel,
  className,
  children,
}: {
  query: UseQueryResult<Page<Row>, unknown>;
  cursor: PageCursor;
  onPage: (cursor: PageCursor) => void;
  loadingLabel: string;
  errorTitle: string;
  emptyHint: string;
  pagerLabel: string;
  className?: string;
  children: (rows: readonly Row[]) => ReactNode;
}) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.isError) {
    return (
      <ErrorNotice title={errorTitle} error={query.error} onRetry={() => void query.refetch()} />
    );
  }
  if (query.data.data.length === 0) return <p className="hint">{emptyHint}</p>;
  return (
    <div aria-busy={query.isFetching} className={className}>
      {children(query.data.data)}
      <Pager
        label={pagerLabel}
        links={pageLinks(cursor, query.data)}
        busy={query.isPlaceholderData}
        onPage={onPage}
      />
    </div>
  );
}
