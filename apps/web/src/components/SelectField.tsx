import type { ReactNode, SelectHTMLAttributes } from 'react';
import { FieldMessages, useDescribedControl } from './Field';

interface SelectFieldProps extends Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'id' | 'onChange' | 'value'
> {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: ReactNode;
  hint?: string;
  children: ReactNode;
}

/** A labelled native select (keyboard and screen readers for free), errors announced like Field's. */
export function SelectField({
  label,
  value,
  onValueChange,
  error,
  hint,
  children,
  ...select
}: SelectFieldProps) {
  const described = useDescribedControl(error, hint);
  const { id, invalid, describedBy } = described;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        {...select}
        id={id}
        value={value}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(event) => onValueChange(event.target.value)}
      >
        {children}
      </select>
      <FieldMessages control={described} hint={hint} error={error} />
    </div>
  );
}
