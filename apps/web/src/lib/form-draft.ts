import { useState, type FormEvent } from 'react';
import type { FieldErrors } from './forms';

/** What a dialog's check of its draft gives: the input to send, or the errors to show. */
export type Checked<Input, Errors> = { ok: true; input: Input } | { ok: false; errors: Errors };

/**
 * A form dialog's draft as typed and the errors shown on it. `submitChecked` makes the form's
 * submit handler: the draft is checked first and sent only when it passes; a failed check shows
 * its errors instead, a passing one clears them.
 */
export function useFormDraft<Draft, Errors>(initial: Draft | (() => Draft), noErrors: Errors) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [errors, setErrors] = useState<Errors>(noErrors);

  function submitChecked<Input>(
    check: (draft: Draft) => Checked<Input, Errors>,
    send: (input: Input) => void,
  ) {
    return (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const result = check(draft);
      if (!result.ok) {
        setErrors(result.errors);
        return;
      }
      setErrors(noErrors);
      send(result.input);
    };
  }

  return { draft, setDraft, errors, setErrors, submitChecked };
}

const NO_FIELD_ERRORS = {};

/**
 * A draft of named text fields. Typing in a field clears its own error and the form's: what was
 * wrong may be what was just fixed.
 */
export function useFieldDraft<Field extends string>(empty: Record<Field, string>) {
  const form = useFormDraft<Record<Field, string>, FieldErrors<Field>>(empty, NO_FIELD_ERRORS);
  const { errors, setDraft, setErrors } = form;

  function change(field: Field, value: string) {
    setDraft((current) => ({ ...current, [field]: value }));
    if (errors[field] !== undefined || errors.form !== undefined) {
      setErrors((current) => ({ ...current, [field]: undefined, form: undefined }));
    }
  }

  return { ...form, change };
}
