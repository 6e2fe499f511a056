import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { describeError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { describePrice, isRenewing } from '../../lib/subscriptions';
import { useTRPC } from '../../lib/trpc';
import type { Subscription } from '../../lib/types';
import { invalidateBilling } from './billing-cache';

interface SubscriptionActionsProps {
  subscription: Subscription;
  /** The id of what names this subscription on screen (its price), for the buttons' description. */
  describedBy: string;
  onDone: (notice: string) => void;
}

/**
 * Cancel at period end (undone with "Don't cancel" until then), and Cancel now behind a
 * confirmation. An incomplete subscription can only be canceled now; a canceled one, not at all.
 */
export function SubscriptionActions({
  subscription,
  describedBy,
  onDone,
}: SubscriptionActionsProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const atPeriodEnd = useMutation(
    trpc.subscriptions.update.mutationOptions({
      onSuccess: async (updated) => {
        onDone(
          updated.cancelAtPeriodEnd
            ? `The subscription will cancel on ${formatDate(updated.currentPeriodEnd)}.`
            : `The subscription will renew on ${formatDate(updated.currentPeriodEnd)}.`,
        );
        await invalidateBilling(queryClient, trpc, updated.customer);
      },
      onError: (error) => setProblem(describeError(error)),
    }),
  );
  const cancelNow = useMutation(
    trpc.subscriptions.cancel.mutationOptions({
      onSuccess: async (canceled) => {
        setConfirming(false);
        onDone('The subscription was canceled. Nothing more will be charged.');
        await invalidateBilling(queryClient, trpc, canceled.customer);
      },
    }),
  );

  if (subscription.status === 'canceled') return null;
  const renewing = isRenewing(subscription.status);
  return (
    <div className="row-actions">
      {renewing && (
        <button
          type="button"
          className="button button--secondary button--small"
          aria-describedby={describedBy}
          disabled={atPeriodEnd.isPending}
          onClick={() => {
            setProblem(undefined);
            atPeriodEnd.mutate({
              id: subscription.id,
              cancelAtPeriodEnd: !subscription.cancelAtPeriodEnd,
            });
          }}
        >
          {subscription.cancelAtPeriodEnd ? 'Don’t cancel' : 'Cancel at period end'}
        </button>
      )}
      <button
        type="button"
        className="button button--danger button--small"
        aria-describedby={describedBy}
        onClick={() => setConfirming(true)}
      >
        Cancel now
      </button>
      {problem !== undefined && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        onOpenChange={(next) => {
          setConfirming(next);
          if (!next) cancelNow.reset();
        }}
        title="Cancel this subscription now?"
        description={
          <>
            {describePrice(subscription)} ends today and nothing more is charged.
            {renewing && ' To let the customer keep what they paid for, cancel at period end.'}
          </>
        }
        confirmLabel="Cancel subscription"
        cancelLabel="Keep subscription"
        pending={cancelNow.isPending}
        error={cancelNow.isError ? describeError(cancelNow.error) : undefined}
        onConfirm={() => cancelNow.mutate({ id: subscription.id })}
      />
    </div>
  );
}
