import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSession } from '../../app/session';
import { DialogActions } from '../../components/DialogActions';
import { Modal } from '../../components/Modal';
import { SelectField } from '../../components/SelectField';
import { describeError } from '../../lib/errors';
import { grantableRoles, ROLES } from '../../lib/team';
import { useTRPC } from '../../lib/trpc';
import type { User, UserRole } from '../../lib/types';

/** Give a user another role (up to one's own: the server refuses more). */
export function ChangeRoleDialog({
  user,
  onClose,
}: {
  user: User | undefined;
  onClose: () => void;
}) {
  return (
    <Modal
      open={user !== undefined}
      onOpenChange={(open) => !open && onClose()}
      title={`Change the role of ${user?.email ?? ''}`}
      description="The new role applies to their next request."
    >
      {/* Keyed by user: the form starts from their current role each time it opens. */}
      {user && <ChangeRoleForm key={user.id} user={user} onClose={onClose} />}
    </Modal>
  );
}

function ChangeRoleForm({ user, onClose }: { user: User; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const [role, setRole] = useState<UserRole>(user.role);
  const roles = ROLES.filter((entry) => grantableRoles(session.user.role).includes(entry.role));
  const update = useMutation(
    trpc.users.updateRole.mutationOptions({
      onSuccess: async (updated) => {
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
        // A change to one's own role changes what this dashboard shows.
        if (updated.id === session.user.id) {
          await queryClient.invalidateQueries({ queryKey: trpc.session.me.queryKey() });
        }
        onClose();
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update.mutate({ id: user.id, role });
  }

  return (
    <form onSubmit={submit} noValidate>
      <SelectField
        label="Role"
        name="role"
        value={role}
        onValueChange={(value) => setRole(value as UserRole)}
        hint={ROLES.find((entry) => entry.role === role)?.description}
      >
        {roles.map((entry) => (
          <option key={entry.role} value={entry.role}>
            {entry.label}
          </option>
        ))}
      </SelectField>
      <DialogActions
        onCancel={onClose}
        pending={update.isPending}
        submitLabel="Save role"
        pendingLabel="Saving…"
        formError={update.isError ? describeError(update.error) : undefined}
      />
    </form>
  );
}
