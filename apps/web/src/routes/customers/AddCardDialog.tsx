import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { cardInput, serverCardError, type CardField } from '../../lib/cards';
import { useFieldDraft } from '../../lib/form-draft';
import { useTRPC } from '../../lib/trpc';
import type { PaymentMethod } from '../../lib/types';

const EMPTY: Record<CardField, string> = { number: '', expiry: '', cvc: '' };

interface AddCardDialogProps {
  customerId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onAdded: (paymentMethod: PaymentMethod) => void;
}

/**
 * Card number, expiry and CVC, saved to the customer in one call. The number and CVC live only in
 * this dialog's state and the one request: cleared when it closes or succeeds, never cached (the
 * mutation is reset, dropping its variables), never autofilled from or into the browser.
 */
export function AddCardDialog({ customerId, open, onOpenChange, onAdded }: AddCardDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { draft, setDraft, errors, setErrors, change, submitChecked } = useFieldDraft(EMPTY);

  const create = useMutation(
    trpc.paymentMethods.create.mutationOptions({
      // Dropped from the mutation cache as soon as it settles: its variables hold the number.
      gcTime: 0,
      onSuccess: async (paymentMethod) => {
        setDraft(EMPTY);
        create.reset();
        onAdded(paymentMethod);
        await queryClient.invalidateQueries({
          queryKey: trpc.customers.paymentMethods.queryKey({ id: customerId }),
        });
      },
      onError: (error) => setErrors(serverCardError(error)),
    }),
  );

  const submit = submitChecked(
    (current) => cardInput(customerId, current),
    (input) => create.mutate(input),
  );

  function openChange(next: boolean) {
    if (!next) {
      setDraft(EMPTY);
      setErrors({});
      create.reset();
    }
    onOpenChange(next);
  }

  return (
    <Modal
      open={open}
      onOpenChange={openChange}
      title="Add a card"
      description="Only the brand, last four digits and expiry are kept: never the number or the security code."
    >
      <form onSubmit={submit} noValidate>
        <Field
          label="Card number"
          name="card-number"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          placeholder="•••• •••• •••• ••••"
          value={draft.number}
          onValueChange={(value) => change('number', value)}
          error={errors.number}
        />
        <div className="form-row">
          <Field
            label="Expiry"
            name="card-expiry"
            inputMode="numeric"
            autoComplete="off"
            placeholder="MM/YY"
            value={draft.expiry}
            onValueChange={(value) => change('expiry', value)}
            error={errors.expiry}
          />
          <Field
            label="CVC"
            name="card-cvc"
            inputMode="numeric"
            autoComplete="off"
            maxLength={4}
            placeholder="123"
            value={draft.cvc}
            onValueChange={(value) => change('cvc', value)}
            error={errors.cvc}
          />
        </div>
        <DialogActions
          onCancel={() => openChange(false)}
          pending={create.isPending}
          submitLabel="Add card"
          pendingLabel="Adding…"
          formError={errors.form}
        />
      </form>
    </Modal>
  );
}
