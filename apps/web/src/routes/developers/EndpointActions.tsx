import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import type { WebhookEndpoint } from '../../lib/types';
import { SecretRevealed } from './SecretRevealed';

type Confirming = 'disable' | 'delete' | 'roll' | undefined;

/**
 * What a developer does to an endpoint: send it a test event, roll its secret (shown once, the
 * old one signing beside it for 24 h), disable or enable it, delete it. Disabling, rolling and
 * deleting are confirmed first; each outcome is announced through `onNotice`.
 */
export function EndpointActions({
  endpoint,
  onNotice,
}: {
  endpoint: WebhookEndpoint;
  onNotice: (notice: { text: string; warning?: boolean }) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState<Confirming>();
  const [rolledSecret, setRolledSecret] = useState<string | undefined>();
  const id = endpoint.id;

  /** The endpoint as changed, or gone, in every cached list: no list shows it as it was. */
  const updateLists = (change: (rows: WebhookEndpoint[]) => WebhookEndpoint[]) =>
    queryClient.setQueriesData<{ data: WebhookEndpoint[] }>(
      { queryKey: trpc.webhookEndpoints.list.pathKey() },
      (page) => page && { ...page, data: change(page.data) },
    );
  const refresh = async (next: WebhookEndpoint) => {
    queryClient.setQueryData(trpc.webhookEndpoints.retrieve.queryKey({ id }), next);
    updateLists((rows) => rows.map((row) => (row.id === id ? next : row)));
    await queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoints.list.pathKey() });
  };
  const failed = (error: unknown) => onNotice({ text: describeError(error), warning: true });

  const sendTest = useMutation(
    trpc.webhookEndpoints.sendTestEvent.mutationOptions({
      onSuccess: async (event) => {
        onNotice({ text: `Test event ${event.id} sent. Its delivery appears in the log below.` });
        await queryClient.invalidateQueries({
          queryKey: trpc.webhookEndpoints.deliveries.pathKey(),
        });
      },
      onError: failed,
    }),
  );
  const update = useMutation(
    trpc.webhookEndpoints.update.mutationOptions({
      onSuccess: async (next) => {
        setConfirming(undefined);
        onNotice({
          text:
            next.status === 'enabled'
              ? 'Endpoint enabled: new events are sent to it again.'
              : 'Endpoint disabled: no events are sent to it until you enable it.',
        });
        await refresh(next);
      },
      onError: (error) => {
        if (confirming === undefined) failed(error);
      },
    }),
  );
  const roll = useMutation(
    trpc.webhookEndpoints.rollSecret.mutationOptions({
      onSuccess: async (next) => {
        setConfirming(undefined);
        const { secret, ...withoutSecret } = next;
        setRolledSecret(secret ?? '');
        onNotice({ text: 'Secret rolled. The old secret keeps signing for 24 hours.' });
        // The secret is kept in this dialog alone, not in the cache.
        await refresh(withoutSecret);
      },
    }),
  );
  const remove = useMutation(
    trpc.webhookEndpoints.delete.mutationOptions({
      onSuccess: async () => {
        updateLists((rows) => rows.filter((row) => row.id !== id));
        // Away first: this page's queries would ask for the endpoint that is gone (a 404).
        void navigate('/developers/webhooks', {
          state: { notice: `The endpoint ${endpoint.url} was deleted.` },
        });
        await queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoints.list.pathKey() });
      },
    }),
  );

  const closeConfirm = (open: boolean) => {
    if (open) return;
    update.reset();
    roll.reset();
    remove.reset();
    setConfirming(undefined);
  };
  const enabled = endpoint.status === 'enabled';

  return (
    <div className="row-actions page-actions">
      <button
        type="button"
        className="button button--secondary"
        disabled={sendTest.isPending || !enabled}
        title={enabled ? undefined : 'Enable the endpoint to send it events.'}
        onClick={() => sendTest.mutate({ id })}
      >
        {sendTest.isPending ? 'Sending…' : 'Send test event'}
      </button>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => setConfirming('roll')}
      >
        Roll secret
      </button>
      {enabled ? (
        <button
          type="button"
          className="button button--secondary"
          onClick={() => setConfirming('disable')}
        >
          Disable
        </button>
      ) : (
        <button
          type="button"
          className="button button--secondary"
          disabled={update.isPending}
          onClick={() => update.mutate({ id, status: 'enabled' })}
        >
          {update.isPending ? 'Enabling…' : 'Enable'}
        </button>
      )}
      <button
        type="button"
        className="button button--danger"
        onClick={() => setConfirming('delete')}
      >
        Delete
      </button>

      <ConfirmDialog
        open={confirming === 'disable'}
        onOpenChange={closeConfirm}
        title="Disable this endpoint?"
        description="No events are sent to it while it is disabled, and events that happen meanwhile are not sent later. You can enable it again at any time."
        confirmLabel="Disable endpoint"
        pending={update.isPending}
        error={update.isError ? describeError(update.error) : undefined}
        onConfirm={() => update.mutate({ id, status: 'disabled' })}
      />
      <ConfirmDialog
        open={confirming === 'roll'}
        onOpenChange={closeConfirm}
        title="Roll the signing secret?"
        description="A new secret is made and shown to you once. The old secret keeps signing beside it for 24 hours, so you have a day to put the new one in place."
        confirmLabel="Roll secret"
        pending={roll.isPending}
        error={roll.isError ? describeError(roll.error) : undefined}
        onConfirm={() => roll.mutate({ id })}
      />
      <ConfirmDialog
        open={confirming === 'delete'}
        onOpenChange={closeConfirm}
        title="Delete this endpoint?"
        description={
          <>
            No more events are sent to <strong className="break-anywhere">{endpoint.url}</strong>,
            and its delivery log goes with it. This cannot be undone.
          </>
        }
        confirmLabel="Delete endpoint"
        pending={remove.isPending}
        error={remove.isError ? describeError(remove.error) : undefined}
        onConfirm={() => remove.mutate({ id })}
      />
      <Modal
        open={rolledSecret !== undefined}
        onOpenChange={(open) => !open && setRolledSecret(undefined)}
        title="Your new signing secret"
        description="Copy it now: you won’t see it again. The old secret keeps working for 24 hours, and every delivery is signed with both meanwhile."
      >
        {rolledSecret !== undefined && (
          <SecretRevealed secret={rolledSecret} onDone={() => setRolledSecret(undefined)} />
        )}
      </Modal>
    </div>
  );
}
