import { formatDate } from '../../lib/format';
import type { WebhookEndpoint } from '../../lib/types';
import { statusLabel } from '../../lib/webhooks';

/** Enabled, or disabled with why (by you, after failing, 410 Gone) and since when. */
export function EndpointStatus({
  endpoint,
}: {
  endpoint: Pick<WebhookEndpoint, 'status' | 'disabledReason' | 'disabledAt'>;
}) {
  const tone =
    endpoint.status === 'enabled'
      ? 'active'
      : endpoint.disabledReason === 'requested'
        ? 'canceled'
        : 'failed';
  return (
    <span className="status-cell">
      <span className={`status-badge status-badge--${tone}`}>{statusLabel(endpoint)}</span>
      {endpoint.disabledAt && (
        <span className="status-note">
          Since <time dateTime={endpoint.disabledAt}>{formatDate(endpoint.disabledAt)}</time>
        </span>
      )}
    </span>
  );
}
