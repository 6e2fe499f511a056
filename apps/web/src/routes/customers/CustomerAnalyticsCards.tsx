import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../components/States';
import { formatTimestamp } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { useTRPC } from '../../lib/trpc';

/**
 * Succeeded payments at a glance: how many, the volume and average per currency (currencies are
 * never added together), and when the last one was.
 */
export function CustomerAnalyticsCards({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const analytics = useQuery(trpc.customers.analytics.queryOptions({ id: customerId }));

  if (analytics.isError) {
    return (
      <ErrorNotice
        title="Analytics could not be loaded"
        error={analytics.error}
        onRetry={() => void analytics.refetch()}
      />
    );
  }
  const data = analytics.data;
  const pending = analytics.isPending;
  const noPayments = data !== undefined && data.volume.length === 0;

  return (
    <section className="cards" aria-label="Analytics" aria-busy={pending}>
      <Card title="Total payments">{pending ? '…' : String(data?.totalPayments ?? 0)}</Card>
      <Card title="Total volume">
        {pending ? (
          '…'
        ) : noPayments ? (
          '—'
        ) : (
          <ul className="card__lines">
            {data?.volume.map((line) => (
              <li key={line.currency}>{formatMoney(line.total, line.currency)}</li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Average payment">
        {pending ? (
          '…'
        ) : noPayments ? (
          '—'
        ) : (
          <ul className="card__lines">
            {data?.volume.map((line) => (
              <li key={line.currency}>{formatMoney(line.average, line.currency)}</li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Last payment">
        {pending
          ? '…'
          : data?.lastPaymentAt
            ? formatTimestamp(data.lastPaymentAt)
            : 'No payments yet'}
      </Card>
    </section>
  );
}

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="card">
      <h2 className="card__title">{title}</h2>
      <div className="card__value">{children}</div>
    </div>
  );
}
