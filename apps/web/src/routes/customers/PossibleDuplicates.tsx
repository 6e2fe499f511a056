import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { comparePath, describeReasons, formatScore } from '../../lib/duplicates';
import { useTRPC } from '../../lib/trpc';
import { DuplicateLevel } from '../duplicates/DuplicateLevel';

/**
 * "Possible duplicates", shown only when there are any: each candidate with its score and
 * reasons, and a link to compare it with this customer (and merge them there).
 */
export function PossibleDuplicates({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const candidates = useQuery(trpc.duplicates.ofCustomer.queryOptions({ id: customerId }));
  // A check that failed or found nothing says nothing here: the page is about the customer.
  if (!candidates.data || candidates.data.data.length === 0) return null;
  return (
    <section className="banner banner--warning" aria-labelledby="possible-duplicates-heading">
      <h2 id="possible-duplicates-heading" className="banner__title">
        Possible duplicates
      </h2>
      <ul className="banner__list possible-duplicates">
        {candidates.data.data.map((candidate) => (
          <li key={candidate.customer.id}>
            <Link to={`/customers/${candidate.customer.id}`}>{candidate.customer.name}</Link>{' '}
            <span className="break-anywhere">({candidate.customer.email})</span> ·{' '}
            <DuplicateLevel level={candidate.level} /> {formatScore(candidate.score)} ·{' '}
            {describeReasons(candidate.reasons)} ·{' '}
            <Link
              to={comparePath([customerId, candidate.customer.id])}
              aria-label={`Compare with ${candidate.customer.name} (${candidate.customer.email})`}
            >
              Compare
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
