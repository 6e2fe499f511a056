import * as AlertDialog from '@radix-ui/react-alert-dialog';
import type { ReactNode } from 'react';
import { useReturnFocus } from './Modal';

interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /** The button that backs out; "Cancel" unless that would read as the action itself. */
  cancelLabel?: string;
  pending: boolean;
  error?: string | undefined;
  onConfirm: () => void;
  /** What the person must do before confirming (type a name), shown under the description. */
  children?: ReactNode;
  /** Keeps the confirm button off until `children` is satisfied. */
  confirmDisabled?: boolean;
}

/**
 * A destructive action's confirmation (Radix AlertDialog): focus starts on Cancel, Escape
 * cancels, and clicking outside does nothing, so nothing is deleted by a stray click.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, onOpenChange, title, description, confirmLabel, pending, error, onConfirm } = props;
  const { children, confirmDisabled = false } = props;
  const cancelLabel = props.cancelLabel ?? 'Cancel';
  const returnFocus = useReturnFocus();
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="overlay" />
        <AlertDialog.Content className="dialog dialog--narrow" {...returnFocus}>
          <AlertDialog.Title className="dialog__title">{title}</AlertDialog.Title>
          <AlertDialog.Description className="dialog__description">
            {description}
          </AlertDialog.Description>
          {children}
          {error !== undefined && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__actions">
            <AlertDialog.Cancel className="button button--secondary">
              {cancelLabel}
            </AlertDialog.Cancel>
            <button
              type="button"
              className="button button--danger"
              disabled={pending || confirmDisabled}
              onClick={onConfirm}
            >
              {pending ? 'Working…' : confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
