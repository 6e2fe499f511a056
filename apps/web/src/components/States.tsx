import type { ReactNode } from 'react';
import { describeError, isClientError } from '../lib/errors';

export function Loading({ label }: { label: string }) {
  return (
    <p className="status" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** What went wrong, in the API's words, and a retry when asking again could help. */
export function ErrorNotice({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title: string;
  onRetry?: () => void;
}) {
  return (
    <div className="notice notice--error" role="alert">
      <h2>{title}</h2>
      <p>{describeError(error)}</p>
      {onRetry && !isClientError(error) && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
