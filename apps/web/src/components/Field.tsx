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
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = error !== undefined && error !== null && error !== false;
  const describedBy = [invalid ? errorId : undefined, hint ? hintId : undefined]
    .filter(Boolean)
    .join(' ');
  const shared = {
    id,
    value,
    'aria-invalid': invalid,
    'aria-describedby': describedBy || undefined,
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
    </div>
  );
}
