import { innermostIssue, toE164 } from '@peasswap/domain';
import type { z } from 'zod';
import { errorData } from './errors';
import { formatPhone } from './phone';

/** Messages per field name; `form` holds what belongs to no single field. */
export type FieldErrors<F extends string> = Partial<Record<F | 'form', string>>;

/** The first message for each field from a zod failure of one of the domain schemas. */
export function fieldErrorsFromIssues<F extends string>(
  issues: readonly z.core.$ZodIssue[],
  fields: readonly F[],
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    const key = (fields as readonly string[]).includes(field) ? (field as F) : 'form';
    errors[key] ??= innermostIssue(issue).message;
  }
  return errors;
}

export interface ServerFieldError<F extends string> {
  field: F | 'form';
  message: string;
  /** For `customer_email_taken`: the customer who already has the email. */
  existingCustomer?: string;
}

/** The API's answer to a failed save, on the field it names (`param`) when that is a form field. */
export function serverFieldError<F extends string>(
  error: unknown,
  fields: readonly F[],
  describe: (error: unknown) => string,
): ServerFieldError<F> {
  const data = errorData(error);
  const param = data?.param?.split('.')[0];
  const field =
    param !== undefined && (fields as readonly string[]).includes(param) ? (param as F) : 'form';
  const message =
    field === 'form'
      ? describe(error)
      : data?.code === 'customer_email_taken'
        ? 'Another customer already has this email.'
        : (error as Error).message;
  return {
    field,
    message,
    ...(data?.code === 'customer_email_taken' &&
      data.customer !== undefined && { existingCustomer: data.customer }),
  };
}

export interface CustomerDraft {
  name: string;
  email: string;
  phone: string;
  description: string;
}

export interface CustomerFields {
  name: string;
  email: string;
  phone: string | null;
  description: string | null;
}

/**
 * Only what the person changed, as the update procedure takes it: an emptied optional field
 * becomes `null` (remove it); untouched fields are left out so they are not rewritten. The phone
 * is shown as `+1 415 555 0123` and stored as `+14155550123`: the same number written either way
 * is no change.
 */
export function changedCustomerFields(
  original: CustomerFields,
  draft: CustomerDraft,
): Partial<CustomerFields> {
  const changes: Partial<CustomerFields> = {};
  if (draft.name.trim() !== original.name) changes.name = draft.name;
  if (draft.email.trim() !== original.email) changes.email = draft.email;
  const phone = draft.phone.trim() === '' ? null : draft.phone.trim();
  if (phone === null ? original.phone !== null : (toE164(phone) ?? phone) !== original.phone) {
    changes.phone = phone;
  }
  const description = draft.description === '' ? null : draft.description;
  if (description !== original.description) changes.description = description;
  return changes;
}

export function draftOf(customer: CustomerFields): CustomerDraft {
  return {
    name: customer.name,
    email: customer.email,
    phone: formatPhone(customer.phone),
    description: customer.description ?? '',
  };
}
