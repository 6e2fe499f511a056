import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState, ErrorNotice, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatTimestamp } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import type { ApiKey } from '../../lib/types';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';

export function ApiKeysPage() {
  const session = useSession();
  if (!session.capabilities.includes('api_keys:manage')) {
    return (
      <>
        <h1>API keys</h1>
        <EmptyState title="Not available to your role">
          <p>
            Owners, admins and developers manage API keys. You are signed in as {session.user.role}.
          </p>
        </EmptyState>
      </>
    );
  }
  return <ApiKeys environment={session.environment} />;
}

function ApiKeys({ environment }: { environment: 'test' | 'live' }) {
  const trpc = useTRPC();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | undefined>();

  return (
    <>
      <div className="page-header">
        <div>
          <h1>API keys</h1>
          <p className="page-header__sub">
            Keys for {environment} mode. A secret key can do everything; a restricted key only what
            you allow.
          </p>
        </div>
        <button type="button" className="button" onClick={() => setCreating(true)}>
          Create key
        </button>
      </div>

      {keys.isPending ? (
        <Loading label="Loading API keys…" />
      ) : keys.isError ? (
        <ErrorNotice
          title="API keys could not be loaded"
          error={keys.error}
          onRetry={() => void keys.refetch()}
        />
      ) : keys.data.data.length === 0 ? (
        <EmptyState title={`No ${environment} keys yet`} />
      ) : (
        <div className="table-scroll">
          <table className="table table--cards">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col">Permissions</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((key) => (
                <tr key={key.id} className={key.revokedAt ? 'table__row--muted' : undefined}>
                  <td data-label="Key" className="table__primary">
                    <code>{key.prefix}…</code>
                  </td>
                  <td data-label="Type">{key.kind === 'secret' ? 'Secret' : 'Restricted'}</td>
                  <td data-label="Permissions" className="table__wrap">
                    {key.kind === 'secret' ? 'All' : key.permissions.join(', ')}
                  </td>
                  <td data-label="Created">{formatTimestamp(key.createdAt)}</td>
                  <td data-label="Last used">
                    {key.lastUsedAt ? formatTimestamp(key.lastUsedAt) : 'Never'}
                  </td>
                  <td data-label="Status">
                    {key.revokedAt ? (
                      <span
                        className="status-badge status-badge--failed"
                        title={`Revoked ${formatTimestamp(key.revokedAt)}`}
                      >
                        Revoked
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        aria-label={`Revoke ${key.prefix}…`}
                        onClick={() => setRevoking(key)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <CreateApiKeyDialog open={creating} onOpenChange={setCreating} environment={environment} />
      <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(undefined)} />
    </>
  );
}

function RevokeKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | undefined; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open={apiKey !== undefined}
      onOpenChange={(open) => {
        if (!open) {
          revoke.reset();
          onClose();
        }
      }}
      title={`Revoke ${apiKey?.prefix ?? ''}…?`}
      description="Requests made with this key will be refused from now on. This cannot be undone."
      confirmLabel="Revoke key"
      pending={revoke.isPending}
      error={revoke.isError ? describeError(revoke.error) : undefined}
      onConfirm={() => apiKey && revoke.mutate({ id: apiKey.id })}
    />
  );
}
