import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import type { Customer } from '../../lib/types';

/** "Delete customer", behind a confirmation that names who is about to be deleted. */
export function DeleteCustomer({ customer }: { customer: Customer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.customers.delete.mutationOptions({
      onSuccess: () => {
        void navigate('/customers', { state: { notice: `${customer.name} was deleted.` } });
        // Marked stale, not refetched: asking for a deleted customer now would only be a 404.
        void queryClient.invalidateQueries({
          queryKey: trpc.customers.retrieve.queryKey({ id: customer.id }),
          refetchType: 'none',
        });
        void queryClient.invalidateQueries({ queryKey: trpc.customers.list.pathKey() });
      },
    }),
  );

  return (
    <>
      <button type="button" className="button button--danger" onClick={() => setOpen(true)}>
        Delete customer
      </button>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) remove.reset();
        }}
        title={`Delete ${customer.name}?`}
        description={
          <>
            {customer.name} ({customer.email}) will be removed from your customers. Their payments
            are kept.
          </>
        }
        confirmLabel="Delete customer"
        pending={remove.isPending}
        error={remove.isError ? describeError(remove.error) : undefined}
        onConfirm={() => remove.mutate({ id: customer.id })}
      />
    </>
  );
}
