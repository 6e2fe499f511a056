import { CustomerCreateSchema } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { DialogActions } from '../../components/DialogActions';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { fieldErrorsFromIssues, serverFieldError, type FieldErrors } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { CustomerContactFields } from './CustomerContactFields';

const FIELDS = ['name', 'email', 'phone'] as const;
type CreateField = (typeof FIELDS)[number];
const EMPTY = { name: '', email: '', phone: '' };

interface CreateCustomerDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (name: string) => void;
}

/**
 * Name and Email required, Phone optional. Checked here with the API's own schema
 * (CustomerCreateSchema) before sending; what only the server can know (an email already taken)
 * comes back on the field it concerns.
 */
export function CreateCustomerDialog({ open, onOpenChange, onCreated }: CreateCustomerDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors<CreateField>>({});
  const [existingCustomer, setExistingCustomer] = useState<string | undefined>();

  const create = useMutation(
    trpc.customers.create.mutationOptions({
      onSuccess: async (customer) => {
        await queryClient.invalidateQueries({ queryKey: trpc.customers.list.pathKey() });
        setDraft(EMPTY);
        onCreated(customer.name);
      },
      onError: (error) => {
        const problem = serverFieldError(error, FIELDS, describeError);
        setErrors({ [problem.field]: problem.message });
        setExistingCustomer(problem.existingCustomer);
      },
    }),
  );

  function change(field: CreateField, value: string) {
    setDraft((current) => ({ ...current, [field]: value }));
    if (errors[field] !== undefined) {
      setErrors((current) => ({ ...current, [field]: undefined }));
      if (field === 'email') setExistingCustomer(undefined);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = {
      name: draft.name,
      email: draft.email,
      ...(draft.phone.trim() !== '' && { phone: draft.phone }),
    };
    const parsed = CustomerCreateSchema.safeParse(input);
    setExistingCustomer(undefined);
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues, FIELDS));
      return;
    }
    setErrors({});
    create.mutate(input);
  }

  function openChange(next: boolean) {
    if (!next) {
      setErrors({});
      setExistingCustomer(undefined);
      create.reset();
    }
    onOpenChange(next);
  }

  return (
    <Modal
      open={open}
      onOpenChange={openChange}
      title="Create customer"
      description="Name and email are required; the phone number is optional."
    >
      <form onSubmit={submit} noValidate>
        <CustomerContactFields
          draft={draft}
          errors={errors}
          existingCustomer={existingCustomer}
          onChange={change}
          phoneHint="Any format; numbers without a country code are read as US."
        />
        <DialogActions
          onCancel={() => openChange(false)}
          pending={create.isPending}
          submitLabel="Create customer"
          pendingLabel="Creating…"
          formError={errors.form}
        />
      </form>
    </Modal>
  );
}
