import { useMutation } from '@tanstack/react-query';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useDashboard } from '../app/DashboardClients';
import { useCan, useSession } from '../app/session';
import { useTRPC } from '../lib/trpc';
import { EnvironmentSwitch } from './EnvironmentSwitch';

/** Every signed-in screen: the environment banner, the top bar, the sidebar and the page. */
export function AppShell() {
  const session = useSession();
  const { environment, forgetAll } = useDashboard();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const signOut = useMutation(
    trpc.session.signOut.mutationOptions({
      onSettled: () => {
        forgetAll();
        void navigate('/sign-in', { replace: true });
      },
    }),
  );
  const canManageKeys = session.capabilities.includes('api_keys:manage');
  const canManageUsers = session.capabilities.includes('users:manage');
  const canReadSubscriptions = useCan('subscriptions:read');
  const canReadWebhooks = useCan('webhooks:read');
  const canReadEvents = useCan('events:read');

  return (
    <div className={`shell shell--${environment}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="env-banner" role="status">
        {environment === 'test'
          ? 'Test mode: you are viewing and changing test data.'
          : 'Live mode: changes affect real customers.'}
      </div>
      <header className="topbar">
        <span className="brand">PeasSwap</span>
        <span className="topbar__account" title={session.account.id}>
          {session.account.name}
        </span>
        <EnvironmentSwitch />
        <div className="topbar__user">
          <span className="topbar__email">{session.user.email}</span>
          <span className="role-badge">{session.user.role}</span>
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={signOut.isPending}
            onClick={() => signOut.mutate()}
          >
            Sign out
          </button>
        </div>
      </header>
      <div className="shell__body">
        <nav className="sidebar" aria-label="Main">
          <NavLink to="/customers" className="sidebar__link">
            Customers
          </NavLink>
          <NavLink to="/duplicates" className="sidebar__link">
            Duplicates
          </NavLink>
          {canReadSubscriptions && (
            <NavLink to="/subscriptions" className="sidebar__link">
              Subscriptions
            </NavLink>
          )}
          {canManageKeys && (
            <NavLink to="/api-keys" className="sidebar__link">
              API keys
            </NavLink>
          )}
          {(canReadWebhooks || canReadEvents) && (
            <NavLink to="/developers" className="sidebar__link">
              Developers
            </NavLink>
          )}
          {canManageUsers && (
            <NavLink to="/team" className="sidebar__link">
              Team
            </NavLink>
          )}
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
