import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSession } from '../../app/session';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { SecretReveal } from '../../components/SecretReveal';
import { SelectField } from '../../components/SelectField';
import { describeError } from '../../lib/errors';
import { serverFieldError, type FieldErrors } from '../../lib/forms';
import { grantableRoles, ROLES } from '../../lib/team';
import { useTRPC } from '../../lib/trpc';
import type { InvitedUser, UserRole } from '../../lib/types';

const FIELDS = ['email', 'role'] as const;

interface InviteUserDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/**
 * Invite someone by email and role, then show their temporary password once: no email is sent,
 * the admin passes it on, and the new user chooses their own at first sign-in.
 */
export function InviteUserDialog({ open, onOpenChange }: InviteUserDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<UserRole>('viewer');
  const [errors, setErrors] = useState<FieldErrors<(typeof FIELDS)[number]>>({});
  const [invited, setInvited] = useState<InvitedUser | undefined>();
  const roles = ROLES.filter((entry) => grantableRoles(session.user.role).includes(entry.role));

  const invite = useMutation(
    trpc.users.invite.mutationOptions({
      onSuccess: async (answer) => {
        setInvited(answer);
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
      onError: (error) => {
        const problem = serverFieldError(error, FIELDS, describeError);
        setErrors({ [problem.field]: problem.message });
      },
    }),
  );

  function openChange(next: boolean) {
    if (!next) {
      // The temporary password leaves the screen, and memory, with the dialog.
      setInvited(undefined);
      setEmail('');
      setRole('viewer');
      setErrors({});
      invite.reset();
    }
    onOpenChange(next);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (email.trim() === '') {
      setErrors({ email: 'Enter their email.' });
      return;
    }
    setErrors({});
    invite.mutate({ email, role });
  }

  if (invited) {
    return (
      <Modal
        open={open}
        onOpenChange={openChange}
        title={`${invited.user.email} is invited`}
        description="No email is sent: pass this temporary password on yourself. It is shown this once; they choose their own password when they first sign in."
      >
        <SecretReveal secret={invited.temporaryPassword} label="Temporary password" />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => openChange(false)}>
            Done
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal
      open={open}
      onOpenChange={openChange}
      title="Invite a user"
      description="They can sign in to this account's dashboard with the role you give them."
    >
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="off"
          value={email}
          onValueChange={(value) => {
            setEmail(value);
            setErrors({});
          }}
          error={errors.email}
        />
        <SelectField
          label="Role"
          name="role"
          value={role}
          onValueChange={(value) => setRole(value as UserRole)}
          error={errors.role}
          hint={ROLES.find((entry) => entry.role === role)?.description}
        >
          {roles.map((entry) => (
            <option key={entry.role} value={entry.role}>
              {entry.label}
            </option>
          ))}
        </SelectField>
        <DialogActions
          onCancel={() => openChange(false)}
          pending={invite.isPending}
          submitLabel="Invite user"
          pendingLabel="Inviting…"
          formError={errors.form}
        />
      </form>
    </Modal>
  );
}
