import { useQueries } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useCan } from '../../app/session';
import { EmptyState, ErrorNotice, Loading } from '../../components/States';
import { idsFromParams } from '../../lib/duplicates';
import { useTRPC } from '../../lib/trpc';
import type { Customer, DuplicateCandidate } from '../../lib/types';
import { CompareCustomers, type ComparedPair } from './CompareCustomers';

/**
 * Customers side by side (`?customers=cus_a,cus_b`), from a duplicate group or a customer page's
 * possible duplicates: each one read afresh, and why each two look alike from their own checks.
 */
export function ComparePage() {
  const trpc = useTRPC();
  const canWrite = useCan('customers:write');
  const [params] = useSearchParams();
  const ids = idsFromParams(params);
  const customers = useQueries({
    queries: ids.map((id) => trpc.customers.retrieve.queryOptions({ id })),
  });
  const candidates = useQueries({
    queries: ids.map((id) => trpc.duplicates.ofCustomer.queryOptions({ id })),
  });

  const back = (
    <Link to="/duplicates" className="back-link">
      ← Duplicates
    </Link>
  );
  const header = (
    <div className="page-header">
      <h1>Compare customers</h1>
    </div>
  );

  if (ids.length < 2) {
    return (
      <>
        {back}
        {header}
        <EmptyState title="Nothing to compare">
          <p>Open a group from the Duplicates screen to compare its customers.</p>
        </EmptyState>
      </>
    );
  }
  const failed = customers.find((query) => query.isError);
  if (failed) {
    return (
      <>
        {back}
        {header}
        <ErrorNotice
          title="A customer could not be loaded"
          error={failed.error}
          onRetry={() => void failed.refetch()}
        />
      </>
    );
  }
  const loaded = customers.flatMap((query) => (query.data ? [query.data] : []));
  if (loaded.length < ids.length) {
    return (
      <>
        {back}
        {header}
        <Loading label="Loading customers…" />
      </>
    );
  }

  return (
    <>
      {back}
      {header}
      <CompareCustomers
        customers={loaded}
        pairs={pairsOf(
          loaded,
          candidates.map((query) => query.data?.data),
        )}
        canMerge={canWrite}
      />
    </>
  );
}

/** Each two customers that look alike, by the first one's own check (or else the second's). */
function pairsOf(
  customers: readonly Customer[],
  candidates: readonly (readonly DuplicateCandidate[] | undefined)[],
): ComparedPair[] {
  const pairs: ComparedPair[] = [];
  customers.forEach((a, i) => {
    customers.slice(i + 1).forEach((b, offset) => {
      const j = i + 1 + offset;
      const match =
        candidates[i]?.find((candidate) => candidate.customer.id === b.id) ??
        candidates[j]?.find((candidate) => candidate.customer.id === a.id);
      if (match)
        pairs.push({ a, b, score: match.score, level: match.level, reasons: match.reasons });
    });
  });
  return pairs;
}
