import type { DuplicateReason } from '@peasswap/domain';

const REASON_LABELS: Record<DuplicateReason, string> = {
  email: 'same mailbox',
  phone: 'same phone',
  card: 'same card',
  name: 'similar name',
};

/** Why two customers look alike, in words: "same mailbox, similar name". */
export function describeReasons(reasons: readonly DuplicateReason[]): string {
  return reasons.map((reason) => REASON_LABELS[reason]).join(', ');
}

/** A score as people read it: 0.88 → "88%". */
export function formatScore(score: number): string {
  return `${Math.round(score * 100)}%`;
}

/** The comparison screen's address for these customers (the first is the suggested survivor). */
export function comparePath(ids: readonly string[]): string {
  return `/duplicates/compare?${new URLSearchParams({ customers: ids.join(',') }).toString()}`;
}

export function idsFromParams(params: URLSearchParams): string[] {
  const ids = (params.get('customers') ?? '').split(',').filter((id) => id.length > 0);
  return [...new Set(ids)];
}
