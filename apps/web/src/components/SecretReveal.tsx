import { useId, useRef, useState } from 'react';

/**
 * A secret shown once (an API key, a webhook signing secret) in a read-only field with a Copy
 * button; where the clipboard is refused, it is selected for the person to copy.
 */
export function SecretReveal({ secret, label = 'Secret key' }: { secret: string; label?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | undefined>();

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('select');
    }
  }

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="secret">
        <input
          id={id}
          ref={input}
          readOnly
          // Focused, so selected, as it appears: ready to copy, and read out by screen readers.
          autoFocus
          value={secret}
          spellCheck={false}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="field__hint" role="status">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'select' && 'Selected: press Ctrl+C (⌘C on a Mac) to copy.'}
      </p>
    </div>
  );
}
