import { PaymentScheduleCreateSchema } from '@peasswap/domain';
import { startOfLocalDay } from './dates';
import { describeError, errorData } from './errors';
import { amountFromText } from './money';
import type { PaymentSchedule } from './types';

export type ScheduleItemStatus = PaymentSchedule['items'][number]['status'];

export const ITEM_STATUS_LABELS: Record<ScheduleItemStatus, string> = {
  scheduled: 'Scheduled',
  succeeded: 'Succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
};

export const SCHEDULE_STATUS_LABELS: Record<PaymentSchedule['status'], string> = {
  active: 'Active',
  completed: 'Completed',
  canceled: 'Canceled',
};

/** One planned payment as the dialog edits it: text as typed, and a stable id for React. */
export interface ScheduleItemDraft {
  id: string;
  amount: string;
  dueDate: string;
}

export interface ScheduleDraft {
  currency: string;
  paymentMethod: string;
  items: ScheduleItemDraft[];
}

export interface ScheduleErrors {
  currency?: string;
  paymentMethod?: string;
  /** About the items as a whole (none, too many). */
  items?: string;
  form?: string;
  rows: Record<string, { amount?: string; dueDate?: string }>;
}

export const NO_SCHEDULE_ERRORS: ScheduleErrors = { rows: {} };

export function hasScheduleErrors(errors: ScheduleErrors): boolean {
  return (
    Object.keys(errors.rows).length > 0 ||
    [errors.currency, errors.paymentMethod, errors.items, errors.form].some((e) => e !== undefined)
  );
}

function rowError(
  errors: ScheduleErrors,
  rowId: string,
  part: 'amount' | 'dueDate',
  message: string,
) {
  const row = (errors.rows[rowId] ??= {});
  row[part] ??= message;
}

/**
 * The schedule's input from the dialog, or what is wrong with it, each message on the row and
 * input it concerns: amounts typed in major units become minor units exactly, a due date is the
 * start of that day where the person is, and the rest is PaymentScheduleCreateSchema's to judge.
 */
export function scheduleInput(customer: string, draft: ScheduleDraft) {
  const errors: ScheduleErrors = { rows: {} };
  const currency = draft.currency.trim();
  const items = draft.items.map((item) => {
    const amount = amountFromText(item.amount, currency);
    if (!amount.ok) rowError(errors, item.id, 'amount', amount.message);
    const dueAt = startOfLocalDay(item.dueDate);
    if (dueAt === undefined) rowError(errors, item.id, 'dueDate', 'Choose the day it is due.');
    return { amount: amount.ok ? amount.amount : 1, dueAt: dueAt ?? new Date(0).toISOString() };
  });
  const input = {
    customer,
    ...(draft.paymentMethod !== '' && { paymentMethod: draft.paymentMethod }),
    currency,
    items,
  };
  const parsed = PaymentScheduleCreateSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index, part] = issue.path;
      if (field === 'items' && typeof index === 'number') {
        const row = draft.items[index];
        if (row) rowError(errors, row.id, part === 'dueAt' ? 'dueDate' : 'amount', issue.message);
      } else if (field === 'items') errors.items ??= issue.message;
      else if (field === 'currency') errors.currency ??= issue.message;
      else if (field === 'paymentMethod') errors.paymentMethod ??= issue.message;
      else errors.form ??= issue.message;
    }
  }
  return hasScheduleErrors(errors) ? { ok: false as const, errors } : { ok: true as const, input };
}

/**
 * The API's refusal on the input it names: `items.2.amount` on that row, `currency` or
 * `paymentMethod` on their field, anything else for the form as a whole.
 */
export function serverScheduleErrors(error: unknown, draft: ScheduleDraft): ScheduleErrors {
  const param = errorData(error)?.param;
  const form = { rows: {}, form: describeError(error) };
  if (param === undefined) return form;
  const message = (error as Error).message;
  const [field, index, part] = param.split('.');
  if (field === 'items' && index !== undefined) {
    const row = draft.items[Number(index)];
    if (row) return { rows: { [row.id]: { [part === 'dueAt' ? 'dueDate' : 'amount']: message } } };
  }
  if (field === 'items') return { rows: {}, items: message };
  if (field === 'currency') return { rows: {}, currency: message };
  if (field === 'paymentMethod') return { rows: {}, paymentMethod: message };
  return form;
}

/** Items still to be charged: what "Cancel remaining" would cancel. */
export function remainingItems(schedule: Pick<PaymentSchedule, 'items'>): number {
  return schedule.items.filter((item) => item.status === 'scheduled').length;
}
