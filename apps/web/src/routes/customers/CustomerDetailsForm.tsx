import { CustomerUpdateFieldsSchema } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field } from '../../components/Field';
import { describeError } from '../../lib/errors';
import {
  changedCustomerFields,
  draftOf,
  fieldErrorsFromIssues,
  serverFieldError,
  type CustomerDraft,
  type FieldErrors,
} from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import type { Customer } from '../../lib/types';
import { CustomerContactFields } from './CustomerContactFields';

const FIELDS = ['name', 'email', 'phone', 'description'] as const;
type DetailField = (typeof FIELDS)[number];

/** Edit a customer; "Save changes" sends only the fields that changed. */
export function CustomerDetailsForm({ customer }: { customer: Customer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<CustomerDraft>(() => draftOf(customer));
  const [errors, setErrors] = useState<FieldErrors<DetailField>>({});
  const [existingCustomer, setExistingCustomer] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const changes = changedCustomerFields(customer, draft);
  const dirty = Object.keys(changes).length > 0;

  const update = useMutation(
    trpc.customers.update.mutationOptions({
      onSuccess: async (updated) => {
        queryClient.setQueryData(trpc.customers.retrieve.queryKey({ id: updated.id }), updated);
        setDraft(draftOf(updated));
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.customers.list.pathKey() });
      },
      onError: (error) => {
        const problem = serverFieldError(error, FIELDS, describeError);
        setErrors({ [problem.field]: problem.message });
        setExistingCustomer(problem.existingCustomer);
      },
    }),
  );

  function change(field: DetailField, value: string) {
    setDraft((current) => ({ ...current, [field]: value }));
    setSaved(false);
    if (errors[field] !== undefined) setErrors((current) => ({ ...current, [field]: undefined }));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!dirty) return;
    const parsed = CustomerUpdateFieldsSchema.safeParse(changes);
    setExistingCustomer(undefined);
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues, FIELDS));
      return;
    }
    setErrors({});
    update.mutate({ id: customer.id, ...changes });
  }

  return (
    <form onSubmit={submit} noValidate className="details-form">
      <CustomerContactFields
        draft={draft}
        errors={errors}
        existingCustomer={existingCustomer}
        onChange={change}
      />
      <Field
        label="Description"
        name="description"
        optional
        multiline
        value={draft.description}
        onValueChange={(value) => change('description', value)}
        error={errors.description}
      />
      {errors.form !== undefined && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="form-actions">
        <span className="status-line" role="status">
          {saved && !dirty ? 'Changes saved.' : ''}
        </span>
        <button
          type="button"
          className="button button--secondary"
          disabled={!dirty || update.isPending}
          onClick={() => {
            setDraft(draftOf(customer));
            setErrors({});
          }}
        >
          Discard
        </button>
        <button type="submit" className="button" disabled={!dirty || update.isPending}>
          {update.isPending ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
