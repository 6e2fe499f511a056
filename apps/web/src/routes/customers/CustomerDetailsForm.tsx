import { CustomerUpdateFieldsSchema } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
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
import {
  hasMetadataErrors,
  metadataChanges,
  metadataDraftErrors,
  metadataErrorsFromIssues,
  metadataRowsOf,
  NO_METADATA_ERRORS,
  serverMetadataError,
  type MetadataErrors,
  type MetadataRow,
} from '../../lib/metadata';
import { useTRPC } from '../../lib/trpc';
import type { Customer } from '../../lib/types';
import { CustomerContactFields } from './CustomerContactFields';
import { CustomerMetadataFields } from './CustomerMetadataFields';

const FIELDS = ['name', 'email', 'phone', 'description'] as const;
type DetailField = (typeof FIELDS)[number];

/** Edit a customer; "Save changes" sends only the fields, and metadata keys, that changed. */
export function CustomerDetailsForm({ customer }: { customer: Customer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<CustomerDraft>(() => draftOf(customer));
  const [rows, setRows] = useState<MetadataRow[]>(() => metadataRowsOf(customer.metadata));
  const [errors, setErrors] = useState<FieldErrors<DetailField>>({});
  const [metadataErrors, setMetadataErrors] = useState<MetadataErrors>(NO_METADATA_ERRORS);
  const [existingCustomer, setExistingCustomer] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const addedRows = useRef(0);
  const changes = changedCustomerFields(customer, draft);
  const metadata = metadataChanges(customer.metadata, rows);
  const dirty = Object.keys(changes).length > 0 || metadata !== undefined;

  const update = useMutation(
    trpc.customers.update.mutationOptions({
      onSuccess: async (updated) => {
        queryClient.setQueryData(trpc.customers.retrieve.queryKey({ id: updated.id }), updated);
        reset(updated);
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.customers.list.pathKey() });
      },
      onError: (error) => {
        const onMetadata = serverMetadataError(error, rows);
        if (onMetadata !== undefined) {
          setMetadataErrors(onMetadata);
          return;
        }
        const problem = serverFieldError(error, FIELDS, describeError);
        setErrors({ [problem.field]: problem.message });
        setExistingCustomer(problem.existingCustomer);
      },
    }),
  );

  function reset(to: Customer) {
    setDraft(draftOf(to));
    setRows(metadataRowsOf(to.metadata));
    setErrors({});
    setMetadataErrors(NO_METADATA_ERRORS);
  }

  function change(field: DetailField, value: string) {
    setDraft((current) => ({ ...current, [field]: value }));
    setSaved(false);
    if (errors[field] !== undefined) setErrors((current) => ({ ...current, [field]: undefined }));
  }

  /** An edit clears the message on the row it touched, and any about the metadata as a whole. */
  function changeRows(next: (current: MetadataRow[]) => MetadataRow[], touched?: string) {
    setRows(next);
    setSaved(false);
    setMetadataErrors((current) => ({
      rows: Object.fromEntries(Object.entries(current.rows).filter(([id]) => id !== touched)),
    }));
  }

  function addRow(): string {
    addedRows.current += 1;
    const id = `added-${addedRows.current}`;
    changeRows((current) => [...current, { id, key: '', value: '' }]);
    return id;
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!dirty) return;
    const input = { ...changes, ...(metadata !== undefined && { metadata }) };
    const parsed = CustomerUpdateFieldsSchema.safeParse(input);
    setExistingCustomer(undefined);
    const rowErrors = parsed.success
      ? metadataDraftErrors(customer.metadata, rows, metadata)
      : (metadataErrorsFromIssues(parsed.error.issues, rows) ?? NO_METADATA_ERRORS);
    const issues = parsed.success ? [] : parsed.error.issues;
    const fieldIssues = issues.filter((issue) => issue.path[0] !== 'metadata');
    setErrors(fieldErrorsFromIssues(fieldIssues, FIELDS));
    setMetadataErrors(rowErrors);
    if (!parsed.success || hasMetadataErrors(rowErrors)) return;
    update.mutate({ id: customer.id, ...input });
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
      <CustomerMetadataFields
        rows={rows}
        errors={metadataErrors}
        onChange={(id, part, text) =>
          changeRows(
            (current) => current.map((row) => (row.id === id ? { ...row, [part]: text } : row)),
            id,
          )
        }
        onAdd={addRow}
        onRemove={(id) => changeRows((current) => current.filter((row) => row.id !== id), id)}
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
          onClick={() => reset(customer)}
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
