import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useDashboard } from '../../app/DashboardClients';
import { Field } from '../../components/Field';
import { describeError } from '../../lib/errors';
import { serverFieldError, type FieldErrors } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import type { Session } from '../../lib/types';

const FIELDS = ['currentPassword', 'newPassword', 'confirmation'] as const;
const MIN_LENGTH = 12;

/**
 * After signing in with an invitation's temporary password: the server refuses everything else
 * until a password of their own is chosen, so this screen stands in for the whole dashboard.
 */
export function ChangePasswordPage({ session }: { session: Session }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { forgetAll } = useDashboard();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [errors, setErrors] = useState<FieldErrors<(typeof FIELDS)[number]>>({});

  const change = useMutation(
    trpc.session.changePassword.mutationOptions({
      // The answer is the session without its restriction: the dashboard opens on it.
      onSuccess: (next) => queryClient.setQueryData(trpc.session.me.queryKey(), next),
      onError: (error) => {
        const problem = serverFieldError(error, FIELDS, describeError);
        setErrors({ [problem.field]: problem.message });
      },
    }),
  );
  const signOut = useMutation(
    trpc.session.signOut.mutationOptions({
      onSettled: () => {
        forgetAll();
        void navigate('/sign-in', { replace: true });
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems: typeof errors = {
      ...(currentPassword === '' && { currentPassword: 'Enter the temporary password.' }),
      ...(newPassword.length < MIN_LENGTH && {
        newPassword: `Use at least ${MIN_LENGTH} characters.`,
      }),
      ...(confirmation !== newPassword && { confirmation: 'The two passwords differ.' }),
    };
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    change.mutate({ currentPassword, newPassword });
  }

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    setErrors({});
  };

  return (
    <div className="page-center">
      <main className="sign-in">
        <p className="brand brand--large">PeasSwap</p>
        <h1>Choose your password</h1>
        <p className="hint hint--above">
          You signed in to {session.account.name} as {session.user.email} with a temporary password.
          Choose your own to continue.
        </p>
        <form onSubmit={submit} noValidate>
          {/* For password managers: whose password this is. */}
          <input
            type="email"
            name="username"
            autoComplete="username"
            value={session.user.email}
            readOnly
            hidden
          />
          <Field
            label="Temporary password"
            type="password"
            name="currentPassword"
            autoComplete="current-password"
            value={currentPassword}
            onValueChange={edit(setCurrentPassword)}
            error={errors.currentPassword}
          />
          <Field
            label="New password"
            type="password"
            name="newPassword"
            autoComplete="new-password"
            value={newPassword}
            onValueChange={edit(setNewPassword)}
            error={errors.newPassword}
            hint={`At least ${MIN_LENGTH} characters.`}
          />
          <Field
            label="Repeat the new password"
            type="password"
            name="confirmation"
            autoComplete="new-password"
            value={confirmation}
            onValueChange={edit(setConfirmation)}
            error={errors.confirmation}
          />
          {errors.form !== undefined && (
            <p className="form-error" role="alert">
              {errors.form}
            </p>
          )}
          <button type="submit" className="button button--block" disabled={change.isPending}>
            {change.isPending ? 'Saving…' : 'Save and continue'}
          </button>
        </form>
        <p className="hint">
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={signOut.isPending}
            onClick={() => signOut.mutate()}
          >
            Sign out
          </button>
        </p>
      </main>
    </div>
  );
}
