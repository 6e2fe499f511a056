import { useId, useState, type FormEvent } from 'react';
import { checkTestApiKey, maskApiKey } from '../lib/api-key';

interface ApiKeyFormProps {
  apiKey: string | undefined;
  onSave: (key: string) => void;
  onClear: () => void;
}

export function ApiKeyForm({ apiKey, onSave, onClear }: ApiKeyFormProps) {
  const inputId = useId();
  const errorId = useId();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();

  if (apiKey !== undefined) {
    return (
      <div className="api-key api-key--set">
        <span>
          Using key <code>{maskApiKey(apiKey)}</code>
        </span>
        <button type="button" className="button button--secondary" onClick={onClear}>
          Change key
        </button>
      </div>
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const check = checkTestApiKey(draft);
    if (!check.ok) {
      setError(check.message);
      return;
    }
    setDraft('');
    setError(undefined);
    onSave(check.key);
  }

  return (
    <form className="api-key" onSubmit={submit} noValidate>
      <label htmlFor={inputId}>Test API key</label>
      <div className="api-key__row">
        <input
          id={inputId}
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="sk_test_…"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error !== undefined ? errorId : undefined}
        />
        <button type="submit" className="button">
          Use key
        </button>
      </div>
      {error !== undefined && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
      <p className="hint">Kept in this tab only (sessionStorage) and sent only to this API.</p>
    </form>
  );
}
