import { SecretReveal } from '../../components/SecretReveal';

/** A signing secret in a dialog that shows it once: the field with Copy, and Done. */
export function SecretRevealed({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <>
      <SecretReveal secret={secret} label="Signing secret" />
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onDone}>
          Done
        </button>
      </div>
    </>
  );
}
