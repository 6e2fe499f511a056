import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useDashboard } from '../../app/DashboardClients';
import { Field } from '../../components/Field';
import { messageOf } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';

function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  // Only paths of this app: never an absolute URL someone slipped into the state.
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//')
    ? from
    : '/customers';
}

export function SignInPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const location = useLocation();
  const { environment, forgetAll } = useDashboard();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: string; password?: string }>({});
  const me = useQuery(trpc.session.me.queryOptions(undefined, { staleTime: 60_000 }));
  const signIn = useMutation(
    trpc.session.signIn.mutationOptions({
      onSuccess: () => {
        // Whatever was cached belonged to whoever used this browser before.
        forgetAll();
        void navigate(returnPath(location.state), { replace: true });
      },
    }),
  );

  if (me.data) return <Navigate to={returnPath(location.state)} replace />;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems = {
      ...(email.trim() === '' && { email: 'Enter your email.' }),
      ...(password === '' && { password: 'Enter your password.' }),
    };
    setMissing(problems);
    if (Object.keys(problems).length > 0) return;
    signIn.mutate({ email, password });
  }

  return (
    <div className="page-center">
      <main className="sign-in">
        <p className="brand brand--large">PeasSwap</p>
        <h1>Sign in to your dashboard</h1>
        <form onSubmit={submit} noValidate>
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onValueChange={setEmail}
            error={missing.email}
          />
          <Field
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onValueChange={setPassword}
            error={missing.password}
          />
          {signIn.isError && (
            <p className="form-error" role="alert">
              {messageOf(signIn.error)}
            </p>
          )}
          <button type="submit" className="button button--block" disabled={signIn.isPending}>
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="hint">
          Signing in to {environment === 'test' ? 'test' : 'live'} mode; switch after signing in.
          The first owner&apos;s sign-in is printed by <code>pnpm cli bootstrap</code>.
        </p>
      </main>
    </div>
  );
}
