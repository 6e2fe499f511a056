import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState, ErrorNotice, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatTimestamp } from '../../lib/format';
import { lockedReason, roleLabel } from '../../lib/team';
import { useTRPC } from '../../lib/trpc';
import type { User } from '../../lib/types';
import { ChangeRoleDialog } from './ChangeRoleDialog';
import { InviteUserDialog } from './InviteUserDialog';

export function TeamPage() {
  const session = useSession();
  if (!session.capabilities.includes('users:manage')) {
    return (
      <>
        <h1>Team</h1>
        <EmptyState title="Not available to your role">
          <p>Owners and admins manage the team. You are signed in as {session.user.role}.</p>
        </EmptyState>
      </>
    );
  }
  return <Team />;
}

function Team() {
  const session = useSession();
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions());
  const [inviting, setInviting] = useState(false);
  const [changing, setChanging] = useState<User | undefined>();
  const [removing, setRemoving] = useState<User | undefined>();
  const me = session.user;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Team</h1>
          <p className="page-header__sub">
            Who signs in to {session.account.name}&apos;s dashboard, in test and live mode alike.
          </p>
        </div>
        <button type="button" className="button" onClick={() => setInviting(true)}>
          Invite user
        </button>
      </div>

      {users.isPending ? (
        <Loading label="Loading the team…" />
      ) : users.isError ? (
        <ErrorNotice
          title="The team could not be loaded"
          error={users.error}
          onRetry={() => void users.refetch()}
        />
      ) : (
        <div className="table-scroll">
          <table className="table table--cards">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((user) => {
                const locked = lockedReason(user, me, users.data.data);
                return (
                  <tr key={user.id}>
                    <td data-label="Email" className="table__primary table__wrap">
                      {/* One child: on phones the cell is a flex row of label and value. */}
                      <span>
                        <span id={`user-${user.id}`}>{user.email}</span>
                        {user.id === me.id && <span className="status-note"> (you)</span>}
                      </span>
                    </td>
                    <td data-label="Role">
                      <span className="role-badge">{roleLabel(user.role)}</span>
                    </td>
                    <td data-label="Last sign-in">
                      <span>
                        {user.lastSignInAt ? (
                          <time dateTime={user.lastSignInAt}>
                            {formatTimestamp(user.lastSignInAt)}
                          </time>
                        ) : (
                          'Never'
                        )}
                        {user.mustChangePassword && (
                          <span className="status-note"> · Invited, password not yet chosen</span>
                        )}
                      </span>
                    </td>
                    <td className="table__actions">
                      {locked ? (
                        <span className="status-note">{locked}</span>
                      ) : (
                        <div className="row-actions">
                          <button
                            type="button"
                            className="button button--secondary button--small"
                            aria-describedby={`user-${user.id}`}
                            onClick={() => setChanging(user)}
                          >
                            Change role
                          </button>
                          <button
                            type="button"
                            className="button button--danger button--small"
                            aria-describedby={`user-${user.id}`}
                            onClick={() => setRemoving(user)}
                          >
                            Remove
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <InviteUserDialog open={inviting} onOpenChange={setInviting} />
      <ChangeRoleDialog user={changing} onClose={() => setChanging(undefined)} />
      <RemoveUserDialog user={removing} onClose={() => setRemoving(undefined)} />
    </>
  );
}

function RemoveUserDialog({ user, onClose }: { user: User | undefined; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const remove = useMutation(
    trpc.users.remove.mutationOptions({
      onSuccess: async (removed) => {
        onClose();
        // Removing yourself ends your own session: asking who is signed in goes to sign-in.
        if (removed.id === session.user.id) {
          await queryClient.invalidateQueries({ queryKey: trpc.session.me.queryKey() });
          return;
        }
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  return (
    <ConfirmDialog
      open={user !== undefined}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
      title={`Remove ${user?.email ?? ''}?`}
      description={
        user?.id === session.user.id
          ? 'You will be signed out at once and can no longer sign in to this account.'
          : 'They are signed out at once and can no longer sign in. Their past changes stay in the audit log.'
      }
      confirmLabel="Remove user"
      pending={remove.isPending}
      error={remove.isError ? describeError(remove.error) : undefined}
      onConfirm={() => user && remove.mutate({ id: user.id })}
    />
  );
}
