import { MAX_SCHEDULE_ITEMS } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { dateInputValue } from '../../lib/dates';
import { useFormDraft } from '../../lib/form-draft';
import {
  hasScheduleErrors,
  NO_SCHEDULE_ERRORS,
  scheduleInput,
  serverScheduleErrors,
  type ScheduleDraft,
  type ScheduleErrors,
} from '../../lib/schedules';
import { useTRPC } from '../../lib/trpc';
import type { PaymentSchedule } from '../../lib/types';
import { invalidateBilling } from './billing-cache';
import { PaymentMethodSelect } from './PaymentMethodSelect';

function firstDraft(): ScheduleDraft {
  return {
    currency: 'usd',
    paymentMethod: '',
    items: [{ id: 'item-0', amount: '', dueDate: dateInputValue(new Date(), 7) }],
  };
}

interface CreatePaymentScheduleDialogProps {
  customerId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (schedule: PaymentSchedule) => void;
}

/** One to a hundred planned payments, each an amount and the day it is due. */
export function CreatePaymentScheduleDialog({
  customerId,
  open,
  onOpenChange,
  onCreated,
}: CreatePaymentScheduleDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { draft, setDraft, errors, setErrors, submitChecked } = useFormDraft<
    ScheduleDraft,
    ScheduleErrors
  >(firstDraft, NO_SCHEDULE_ERRORS);
  const added = useRef(0);
  const amountInputs = useRef(new Map<string, HTMLInputElement>());
  const addButton = useRef<HTMLButtonElement>(null);

  const create = useMutation(
    trpc.paymentSchedules.create.mutationOptions({
      onSuccess: async (schedule) => {
        setDraft(firstDraft());
        onCreated(schedule);
        // An item due today is charged by the next billing pass; lists and payments follow.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.paymentSchedules.list.pathKey() }),
          invalidateBilling(queryClient, trpc, customerId),
        ]);
      },
      onError: (error) => setErrors(serverScheduleErrors(error, draft)),
    }),
  );

  function edit(next: (current: ScheduleDraft) => ScheduleDraft) {
    setDraft(next);
    if (hasScheduleErrors(errors)) setErrors(NO_SCHEDULE_ERRORS);
  }

  function changeItem(id: string, part: 'amount' | 'dueDate', value: string) {
    edit((current) => ({
      ...current,
      items: current.items.map((item) => (item.id === id ? { ...item, [part]: value } : item)),
    }));
  }

  function addItem() {
    added.current += 1;
    const id = `item-${added.current}`;
    const last = draft.items.at(-1)?.dueDate;
    const from = last ? new Date(`${last}T00:00`) : new Date();
    edit((current) => ({
      ...current,
      items: [...current.items, { id, amount: '', dueDate: dateInputValue(from, 30) }],
    }));
    // Focus the new row's amount once it is on screen.
    requestAnimationFrame(() => amountInputs.current.get(id)?.focus());
  }

  function removeItem(id: string) {
    const index = draft.items.findIndex((item) => item.id === id);
    const next = draft.items[index + 1] ?? draft.items[index - 1];
    edit((current) => ({ ...current, items: current.items.filter((item) => item.id !== id) }));
    requestAnimationFrame(() =>
      (next ? amountInputs.current.get(next.id) : addButton.current)?.focus(),
    );
  }

  const submit = submitChecked(
    (current) => scheduleInput(customerId, current),
    (input) => create.mutate(input),
  );

  function openChange(next: boolean) {
    if (!next) {
      setErrors(NO_SCHEDULE_ERRORS);
      create.reset();
    }
    onOpenChange(next);
  }

  const currency = draft.currency.trim().toUpperCase() || 'the currency';
  return (
    <Modal
      open={open}
      onOpenChange={openChange}
      title="Create payment schedule"
      description="Planned one-off payments, each charged once on the day it is due."
    >
      <form onSubmit={submit} noValidate>
        <div className="form-row">
          <Field
            label="Currency"
            name="currency"
            autoComplete="off"
            spellCheck={false}
            maxLength={3}
            value={draft.currency}
            onValueChange={(value) => edit((current) => ({ ...current, currency: value }))}
            error={errors.currency}
          />
        </div>
        <PaymentMethodSelect
          customerId={customerId}
          name="paymentMethod"
          value={draft.paymentMethod}
          onValueChange={(value) => edit((current) => ({ ...current, paymentMethod: value }))}
          error={errors.paymentMethod}
        />
        <fieldset className="schedule-items">
          <legend>Payments</legend>
          <p className="field__hint">Amounts in {currency}; each is charged on its due date.</p>
          {draft.items.map((item, index) => {
            const rowErrors = errors.rows[item.id] ?? {};
            const base = `${item.id}-${index}`;
            return (
              <div
                key={item.id}
                className="schedule-item"
                role="group"
                aria-label={`Payment ${index + 1}`}
              >
                <div className="schedule-item__cell">
                  <label htmlFor={`${base}-amount`}>Amount</label>
                  <input
                    ref={(input) => {
                      if (input) amountInputs.current.set(item.id, input);
                      else amountInputs.current.delete(item.id);
                    }}
                    id={`${base}-amount`}
                    inputMode="decimal"
                    autoComplete="off"
                    placeholder="25.00"
                    value={item.amount}
                    aria-invalid={rowErrors.amount !== undefined}
                    aria-describedby={rowErrors.amount ? `${base}-amount-error` : undefined}
                    onChange={(event) => changeItem(item.id, 'amount', event.target.value)}
                  />
                  {rowErrors.amount && (
                    <p id={`${base}-amount-error`} className="field__error">
                      {rowErrors.amount}
                    </p>
                  )}
                </div>
                <div className="schedule-item__cell">
                  <label htmlFor={`${base}-due`}>Due date</label>
                  <input
                    id={`${base}-due`}
                    type="date"
                    value={item.dueDate}
                    aria-invalid={rowErrors.dueDate !== undefined}
                    aria-describedby={rowErrors.dueDate ? `${base}-due-error` : undefined}
                    onChange={(event) => changeItem(item.id, 'dueDate', event.target.value)}
                  />
                  {rowErrors.dueDate && (
                    <p id={`${base}-due-error`} className="field__error">
                      {rowErrors.dueDate}
                    </p>
                  )}
                </div>
                <button
                  type="button"
                  className="icon-button schedule-item__remove"
                  aria-label={`Remove payment ${index + 1}`}
                  title="Remove this payment"
                  disabled={draft.items.length === 1}
                  onClick={() => removeItem(item.id)}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </div>
            );
          })}
          {errors.items !== undefined && <p className="field__error">{errors.items}</p>}
          <button
            ref={addButton}
            type="button"
            className="button button--secondary button--small"
            disabled={draft.items.length >= MAX_SCHEDULE_ITEMS}
            onClick={addItem}
          >
            Add payment
          </button>
        </fieldset>
        <DialogActions
          onCancel={() => openChange(false)}
          pending={create.isPending}
          submitLabel="Create schedule"
          pendingLabel="Creating…"
          formError={errors.form}
        />
      </form>
    </Modal>
  );
}
