import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange'> {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: ReactNode;
  hint?: string;
  optional?: boolean;
  multiline?: boolean;
}

/** A labelled input whose error and hint are announced with it (aria-describedby). */
export function Field({
  label,
  value,
  onValueChange,
  error,
  hint,
  optional = false,
  multiline = false,
  ...input
}: FieldProps) {
  const described = useDescribedControl(error, hint);
  const { id, invalid, describedBy } = described;
  const shared = {
    id,
    value,
    'aria-invalid': invalid,
    'aria-describedby': describedBy,
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {optional && <span className="field__optional"> (optional)</span>}
      </label>
      {multiline ? (
        <textarea
          {...shared}
          name={input.name}
          rows={3}
          onChange={(event) => onValueChange(event.target.value)}
        />
      ) : (
        <input {...input} {...shared} onChange={(event) => onValueChange(event.target.value)} />
      )}
      <FieldMessages control={described} hint={hint} error={error} />
    </div>
  );
}

/** The ids that tie a form control to its hint and its error, and whether it has an error. */
export function useDescribedControl(error: ReactNode, hint: string | undefined) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = error !== undefined && error !== null && error !== false;
  const describedBy = [invalid ? errorId : undefined, hint ? hintId : undefined]
    .filter(Boolean)
    .join(' ');
  return { id, hintId, errorId, invalid, describedBy: describedBy || undefined };
}

/** A control's hint, then its error: the paragraphs its aria-describedby names. */
export function FieldMessages({
  control: { hintId, errorId, invalid },
  hint,
  error,
}: {
  control: ReturnType<typeof useDescribedControl>;
  hint: string | undefined;
  error: ReactNode;
}) {
  return (
    <>
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {invalid && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </>
  );
}
