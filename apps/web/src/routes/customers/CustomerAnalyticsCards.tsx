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

  return (
    <section className="cards" aria-label="Analytics" aria-busy={pending}>
      <Card title="Total payments">{pending ? '…' : String(data?.totalPayments ?? 0)}</Card>
      <Card title="Total volume">
        {pending ? '…' : <PerCurrency lines={data?.volume ?? []} amount={(line) => line.total} />}
      </Card>
      <Card title="Average payment">
        {pending ? '…' : <PerCurrency lines={data?.volume ?? []} amount={(line) => line.average} />}
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

type VolumeLine = { currency: string; total: number; average: number };

/** One amount per currency, each in its own minor unit; a dash when there are none. */
function PerCurrency({
  lines,
  amount,
}: {
  lines: VolumeLine[];
  amount: (line: VolumeLine) => number;
}) {
  if (lines.length === 0) return '—';
  return (
    <ul className="card__lines">
      {lines.map((line) => (
        <li key={line.currency}>{formatMoney(amount(line), line.currency)}</li>
      ))}
    </ul>
  );
}
