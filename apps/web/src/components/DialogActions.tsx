/**
 * A form dialog's footer: the error that belongs to no single field, then Cancel and the submit
 * button, which says when it is working.
 */
export function DialogActions({
  onCancel,
  pending,
  submitLabel,
  pendingLabel,
  formError,
}: {
  onCancel: () => void;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  formError?: string | undefined;
}) {
  return (
    <>
      {formError !== undefined && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </div>
    </>
  );
}
