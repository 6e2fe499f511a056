import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import type { Customer } from '../../lib/types';

/**
 * "Erase personal data" (GDPR article 17), behind a confirmation that says what goes and what
 * stays, and that opens only once the customer's name is typed exactly as it is.
 */
export function EraseCustomerData({
  customer,
  onErased,
}: {
  customer: Customer;
  onErased: (redactedAt: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const matches = typed === customer.name;
  const redact = useMutation(
    trpc.customers.redact.mutationOptions({
      onSuccess: async (redaction) => {
        setOpen(false);
        setTyped('');
        queryClient.setQueryData(
          trpc.customers.retrieve.queryKey({ id: customer.id }),
          redaction.customer,
        );
        onErased(redaction.redactedAt);
        // Cards detached, subscriptions and schedules canceled, lists and activity without the
        // erased values: everything cached about this customer is out of date.
        await queryClient.invalidateQueries();
      },
    }),
  );

  const confirm = () => {
    if (matches && !redact.isPending) redact.mutate({ id: customer.id });
  };

  return (
    <>
      <button type="button" className="button button--danger" onClick={() => setOpen(true)}>
        Erase personal data
      </button>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) {
            setTyped('');
            redact.reset();
          }
        }}
        title={`Erase ${customer.name}’s personal data?`}
        description={
          <>
            Their name, email, phone, description and metadata are replaced with placeholders, their
            cards are detached, and their subscriptions and payment schedules are canceled. Their
            payments’ amounts, currencies and dates are kept for your accounting.{' '}
            <strong>This cannot be undone.</strong>
          </>
        }
        confirmLabel="Erase personal data"
        pending={redact.isPending}
        confirmDisabled={!matches}
        error={redact.isError ? describeError(redact.error) : undefined}
        onConfirm={confirm}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            confirm();
          }}
        >
          <Field
            label={`Type ${customer.name} to confirm`}
            value={typed}
            onValueChange={setTyped}
            autoComplete="off"
            spellCheck={false}
            hint="The name exactly as it is shown, capitals included."
          />
        </form>
      </ConfirmDialog>
    </>
  );
}
