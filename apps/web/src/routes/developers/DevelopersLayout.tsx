import type { ReactNode } from 'react';
import { Navigate, NavLink, Outlet } from 'react-router';
import { useCan, useSession } from '../../app/session';
import { EmptyState } from '../../components/States';
import type { Session } from '../../lib/types';

type Permission = Session['permissions'][number];

/** The Developers screens under one heading row of tabs: Webhooks and Events. */
export function DevelopersLayout() {
  const canReadWebhooks = useCan('webhooks:read');
  const canReadEvents = useCan('events:read');
  return (
    <>
      {(canReadWebhooks || canReadEvents) && (
        <nav className="tabs" aria-label="Developers">
          {canReadWebhooks && (
            <NavLink to="/developers/webhooks" className="tabs__link">
              Webhooks
            </NavLink>
          )}
          {canReadEvents && (
            <NavLink to="/developers/events" className="tabs__link">
              Events
            </NavLink>
          )}
        </nav>
      )}
      <Outlet />
    </>
  );
}

/** /developers opens the first screen the role may read. */
export function DevelopersIndex() {
  const canReadWebhooks = useCan('webhooks:read');
  const canReadEvents = useCan('events:read');
  if (canReadWebhooks) return <Navigate to="/developers/webhooks" replace />;
  if (canReadEvents) return <Navigate to="/developers/events" replace />;
  return <NotForYourRole title="Developers" permission="webhooks:read" />;
}

/**
 * A screen the role may not read says so, in place of a request the API would refuse (403); a
 * link followed from elsewhere, or typed, lands here rather than on an error.
 */
export function RequirePermission({
  permission,
  title,
  children,
}: {
  permission: Permission;
  title: string;
  children: ReactNode;
}) {
  const allowed = useCan(permission);
  return allowed ? children : <NotForYourRole title={title} permission={permission} />;
}

function NotForYourRole({ title, permission }: { title: string; permission: Permission }) {
  const { user } = useSession();
  return (
    <>
      <div className="page-header">
        <h1>{title}</h1>
      </div>
      <EmptyState title="Not available to your role">
        <p>
          This needs the <code>{permission}</code> permission, which your role ({user.role}) does
          not have. Ask an owner or an admin of the account if you need it.
        </p>
      </EmptyState>
    </>
  );
}
