import { Field } from '../../components/Field';
import type { FieldErrors } from '../../lib/forms';
import { EmailTakenError } from './EmailTakenError';

type ContactField = 'name' | 'email' | 'phone';

interface CustomerContactFieldsProps {
  draft: Record<ContactField, string>;
  errors: FieldErrors<ContactField>;
  /** The customer who already has the email, when the server said so. */
  existingCustomer: string | undefined;
  onChange: (field: ContactField, value: string) => void;
  phoneHint?: string;
}

/** Name, Email and Phone, as both the create dialog and the customer page edit them. */
export function CustomerContactFields({
  draft,
  errors,
  existingCustomer,
  onChange,
  phoneHint,
}: CustomerContactFieldsProps) {
  return (
    <>
      <Field
        label="Name"
        name="name"
        autoComplete="off"
        value={draft.name}
        onValueChange={(value) => onChange('name', value)}
        error={errors.name}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="off"
        value={draft.email}
        onValueChange={(value) => onChange('email', value)}
        error={
          errors.email !== undefined && (
            <EmailTakenError message={errors.email} existingCustomer={existingCustomer} />
          )
        }
      />
      <Field
        label="Phone"
        name="phone"
        type="tel"
        autoComplete="off"
        optional
        {...(phoneHint !== undefined && { hint: phoneHint })}
        value={draft.phone}
        onValueChange={(value) => onChange('phone', value)}
        error={errors.phone}
      />
    </>
  );
}
