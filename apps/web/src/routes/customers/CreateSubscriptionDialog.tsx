import { BILLING_INTERVALS, SubscriptionCreateSchema } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { SelectField } from '../../components/SelectField';
import { describeError } from '../../lib/errors';
import { fieldErrorsFromIssues, serverFieldError, type FieldErrors } from '../../lib/forms';
import { useFieldDraft } from '../../lib/form-draft';
import { amountFromText } from '../../lib/money';
import { useTRPC } from '../../lib/trpc';
import type { Subscription } from '../../lib/types';
import { invalidateBilling } from './billing-cache';
import { PaymentMethodSelect } from './PaymentMethodSelect';

const FIELDS = [
  'amount',
  'currency',
  'interval',
  'intervalCount',
  'trialPeriodDays',
  'defaultPaymentMethod',
] as const;
type SubscriptionField = (typeof FIELDS)[number];

const EMPTY = {
  amount: '',
  currency: 'usd',
  interval: 'month',
  intervalCount: '1',
  trialPeriodDays: '',
  defaultPaymentMethod: '',
};
type Draft = typeof EMPTY;

const INTERVAL_LABELS = { day: 'Days', week: 'Weeks', month: 'Months', year: 'Years' } as const;

/** A whole number as typed, or NaN (which the domain schema then refuses on its field). */
function wholeNumber(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

/**
 * The subscription's input from the form: the amount typed in the currency's major unit becomes
 * its minor unit exactly (amountFromText), the rest is checked by SubscriptionCreateSchema itself.
 */
export function subscriptionInput(customer: string, draft: Draft) {
  const amount = amountFromText(draft.amount, draft.currency);
  const input = {
    customer,
    amount: amount.ok ? amount.amount : 0,
    currency: draft.currency.trim(),
    interval: draft.interval as (typeof BILLING_INTERVALS)[number],
    intervalCount: wholeNumber(draft.intervalCount),
    ...(draft.trialPeriodDays.trim() !== '' && {
      trialPeriodDays: wholeNumber(draft.trialPeriodDays),
    }),
    ...(draft.defaultPaymentMethod !== '' && { defaultPaymentMethod: draft.defaultPaymentMethod }),
  };
  const parsed = SubscriptionCreateSchema.safeParse(input);
  const errors: FieldErrors<SubscriptionField> = parsed.success
    ? {}
    : fieldErrorsFromIssues(parsed.error.issues, FIELDS);
  if (!amount.ok) errors.amount = amount.message;
  else delete errors.amount;
  return Object.keys(errors).length > 0
    ? { ok: false as const, errors }
    : { ok: true as const, input };
}

interface CreateSubscriptionDialogProps {
  customerId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (subscription: Subscription) => void;
}

/** Amount, currency, how often, an optional trial and the payment method billing charges. */
export function CreateSubscriptionDialog({
  customerId,
  open,
  onOpenChange,
  onCreated,
}: CreateSubscriptionDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { draft, setDraft, errors, setErrors, change, submitChecked } =
    useFieldDraft<SubscriptionField>(EMPTY);

  const create = useMutation(
    trpc.subscriptions.create.mutationOptions({
      onSuccess: async (subscription) => {
        setDraft(EMPTY);
        onCreated(subscription);
        // Without a trial the first period was charged: payments and analytics changed too.
        await invalidateBilling(queryClient, trpc, customerId);
      },
      onError: (error) => {
        const problem = serverFieldError(error, FIELDS, describeError);
        setErrors({ [problem.field]: problem.message });
      },
    }),
  );

  const submit = submitChecked(
    (current) => subscriptionInput(customerId, current),
    (input) => create.mutate(input),
  );

  function openChange(next: boolean) {
    if (!next) {
      setErrors({});
      create.reset();
    }
    onOpenChange(next);
  }

  const currency = draft.currency.trim().toUpperCase() || 'the currency';
  return (
    <Modal
      open={open}
      onOpenChange={openChange}
      title="Create subscription"
      description="Without a trial the first period is charged now; with one, when the trial ends."
    >
      <form onSubmit={submit} noValidate>
        <div className="form-row">
          <Field
            label="Amount"
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder="25.00"
            hint={`In ${currency}, charged each period.`}
            value={draft.amount}
            onValueChange={(value) => change('amount', value)}
            error={errors.amount}
          />
          <Field
            label="Currency"
            name="currency"
            autoComplete="off"
            spellCheck={false}
            maxLength={3}
            hint="ISO code: usd, eur, jpy…"
            value={draft.currency}
            onValueChange={(value) => change('currency', value)}
            error={errors.currency}
          />
        </div>
        <div className="form-row">
          <Field
            label="Bill every"
            name="intervalCount"
            inputMode="numeric"
            autoComplete="off"
            value={draft.intervalCount}
            onValueChange={(value) => change('intervalCount', value)}
            error={errors.intervalCount}
          />
          <SelectField
            label="Interval"
            name="interval"
            value={draft.interval}
            onValueChange={(value) => change('interval', value)}
            error={errors.interval}
          >
            {BILLING_INTERVALS.map((interval) => (
              <option key={interval} value={interval}>
                {INTERVAL_LABELS[interval]}
              </option>
            ))}
          </SelectField>
        </div>
        <Field
          label="Trial days"
          name="trialPeriodDays"
          inputMode="numeric"
          autoComplete="off"
          optional
          hint="Free days before the first charge."
          value={draft.trialPeriodDays}
          onValueChange={(value) => change('trialPeriodDays', value)}
          error={errors.trialPeriodDays}
        />
        <PaymentMethodSelect
          customerId={customerId}
          name="defaultPaymentMethod"
          value={draft.defaultPaymentMethod}
          onValueChange={(value) => change('defaultPaymentMethod', value)}
          error={errors.defaultPaymentMethod}
        />
        <DialogActions
          onCancel={() => openChange(false)}
          pending={create.isPending}
          submitLabel="Create subscription"
          pendingLabel="Creating…"
          formError={errors.form}
        />
      </form>
    </Modal>
  );
}
