import { METADATA_MAX_KEYS } from '@peasswap/domain';
import { useEffect, useId, useRef, useState } from 'react';
import { keyOf, type MetadataErrors, type MetadataRow } from '../../lib/metadata';

interface CustomerMetadataFieldsProps {
  rows: readonly MetadataRow[];
  errors: MetadataErrors;
  onChange: (id: string, part: 'key' | 'value', text: string) => void;
  /** Adds an empty row and answers its id, so its key input can take focus. */
  onAdd: () => string;
  onRemove: (id: string) => void;
}

/**
 * The customer's metadata as rows of Key and Value inputs, each row a group named by its key.
 * Removing a row only marks the key for removal: nothing is sent until Save changes. Focus never
 * falls back to the page: Add moves it to the new key, Remove to the row that takes its place
 * (or the Add button when none is left).
 */
export function CustomerMetadataFields({
  rows,
  errors,
  onChange,
  onAdd,
  onRemove,
}: CustomerMetadataFieldsProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const keyInputs = useRef(new Map<string, HTMLInputElement>());
  const addButton = useRef<HTMLButtonElement>(null);
  // The row id whose key input takes focus after the next render; null for the Add button.
  const [focusNext, setFocusNext] = useState<string | null | undefined>();

  useEffect(() => {
    if (focusNext === undefined) return;
    (focusNext === null ? addButton.current : keyInputs.current.get(focusNext))?.focus();
    setFocusNext(undefined);
  }, [focusNext]);

  function remove(rowId: string) {
    const index = rows.findIndex((row) => row.id === rowId);
    const next = rows[index + 1] ?? rows[index - 1];
    onRemove(rowId);
    setFocusNext(next?.id ?? null);
  }

  return (
    <fieldset
      className="metadata"
      aria-describedby={[hintId, errors.all !== undefined ? errorId : ''].join(' ').trim()}
    >
      <legend>
        Metadata<span className="field__optional"> (optional)</span>
      </legend>
      <p id={hintId} className="field__hint">
        Your own key-value pairs, up to {METADATA_MAX_KEYS}. Removed keys are deleted when you save.
      </p>
      {rows.length > 0 && (
        <div className="metadata__rows">
          <div className="metadata__head" aria-hidden="true">
            <span>Key</span>
            <span>Value</span>
          </div>
          {rows.map((row) => (
            <MetadataRowFields
              key={row.id}
              id={`${id}-${row.id}`}
              row={row}
              error={errors.rows[row.id]}
              keyRef={(input) => {
                if (input) keyInputs.current.set(row.id, input);
                else keyInputs.current.delete(row.id);
              }}
              onChange={(part, text) => onChange(row.id, part, text)}
              onRemove={() => remove(row.id)}
            />
          ))}
        </div>
      )}
      {errors.all !== undefined && (
        <p id={errorId} className="field__error">
          {errors.all}
        </p>
      )}
      <button
        ref={addButton}
        type="button"
        className="button button--secondary button--small metadata__add"
        onClick={() => setFocusNext(onAdd())}
      >
        Add metadata
      </button>
    </fieldset>
  );
}

interface MetadataRowFieldsProps {
  id: string;
  row: MetadataRow;
  error: MetadataErrors['rows'][string] | undefined;
  keyRef: (input: HTMLInputElement | null) => void;
  onChange: (part: 'key' | 'value', text: string) => void;
  onRemove: () => void;
}

function MetadataRowFields({ id, row, error, keyRef, onChange, onRemove }: MetadataRowFieldsProps) {
  const key = keyOf(row);
  const errorId = `${id}-error`;
  const described = error !== undefined ? errorId : undefined;
  return (
    <div className="metadata__row" role="group" aria-label={key || 'New key'}>
      <div className="metadata__cell">
        <label htmlFor={`${id}-key`} className="metadata__label">
          Key
        </label>
        <input
          ref={keyRef}
          id={`${id}-key`}
          value={row.key}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error?.part === 'key'}
          aria-describedby={described}
          onChange={(event) => onChange('key', event.target.value)}
        />
      </div>
      <div className="metadata__cell">
        <label htmlFor={`${id}-value`} className="metadata__label">
          Value
        </label>
        <input
          id={`${id}-value`}
          value={row.value}
          autoComplete="off"
          aria-invalid={error?.part === 'value'}
          aria-describedby={described}
          onChange={(event) => onChange('value', event.target.value)}
        />
      </div>
      <button
        type="button"
        className="button button--secondary button--small metadata__remove"
        aria-label={key ? `Remove ${key}` : 'Remove new key'}
        onClick={onRemove}
      >
        Remove
      </button>
      {error !== undefined && (
        <p id={errorId} className="field__error metadata__error">
          {error.message}
        </p>
      )}
    </div>
  );
}
