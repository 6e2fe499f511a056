import { formatDate } from '../lib/format';
import { renewalOf, STATUS_LABELS } from '../lib/subscriptions';
import type { Subscription } from '../lib/types';

const REASONS: Record<NonNullable<Subscription['cancellationReason']>, string> = {
  requested: '',
  payment_failed: ' after failed payments',
  customer_deleted: ' with the customer',
};

/**
 * The status badge, with what a person needs next to it: when a subscription set to cancel at
 * period end will stop, and when (and why) a canceled one ended.
 */
export function SubscriptionStatus({ subscription }: { subscription: Subscription }) {
  const renewal = renewalOf(subscription);
  const ended = subscription.status === 'canceled' ? subscription.endedAt : null;
  return (
    <span className="status-cell">
      <span className={`status-badge status-badge--${subscription.status}`}>
        {STATUS_LABELS[subscription.status]}
      </span>
      {renewal.kind === 'cancels' && (
        <span className="status-note status-note--warning">
          Cancels on <time dateTime={renewal.at}>{formatDate(renewal.at)}</time>
        </span>
      )}
      {ended && (
        <span className="status-note">
          Ended <time dateTime={ended}>{formatDate(ended)}</time>
          {subscription.cancellationReason && REASONS[subscription.cancellationReason]}
        </span>
      )}
    </span>
  );
}

/** The next renewal (the first charge, after a trial); a dash when none will come. */
export function SubscriptionRenewal({ subscription }: { subscription: Subscription }) {
  const renewal = renewalOf(subscription);
  if (renewal.kind !== 'renews') return <span className="table__muted">—</span>;
  return (
    <time dateTime={renewal.at} title={renewal.at}>
      {formatDate(renewal.at)}
    </time>
  );
}
