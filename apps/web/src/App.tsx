import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { DashboardClients } from './app/DashboardClients';
import { RequireSession } from './app/session';
import { AppShell } from './components/AppShell';
import { EmptyState } from './components/States';
import { ApiKeysPage } from './routes/api-keys/ApiKeysPage';
import { CustomerPage } from './routes/customers/CustomerPage';
import { CustomersPage } from './routes/customers/CustomersPage';
import { ComparePage } from './routes/duplicates/ComparePage';
import { DuplicatesPage } from './routes/duplicates/DuplicatesPage';
import { DevelopersIndex, DevelopersLayout } from './routes/developers/DevelopersLayout';
import { EventPage } from './routes/developers/EventPage';
import { EventsPage } from './routes/developers/EventsPage';
import { WebhookEndpointPage } from './routes/developers/WebhookEndpointPage';
import { WebhooksPage } from './routes/developers/WebhooksPage';
import { SignInPage } from './routes/sign-in/SignInPage';
import { SubscriptionsPage } from './routes/subscriptions/SubscriptionsPage';
import { TeamPage } from './routes/team/TeamPage';

export function App() {
  return (
    <BrowserRouter>
      <DashboardClients>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route
            element={
              <RequireSession>
                <AppShell />
              </RequireSession>
            }
          >
            <Route index element={<Navigate to="/customers" replace />} />
            <Route path="customers" element={<CustomersPage />} />
            <Route path="customers/:id" element={<CustomerPage />} />
            <Route path="duplicates" element={<DuplicatesPage />} />
            <Route path="duplicates/compare" element={<ComparePage />} />
            <Route path="subscriptions" element={<SubscriptionsPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="team" element={<TeamPage />} />
            <Route path="developers" element={<DevelopersLayout />}>
              <Route index element={<DevelopersIndex />} />
              <Route path="webhooks" element={<WebhooksPage />} />
              <Route path="webhooks/:id" element={<WebhookEndpointPage />} />
              <Route path="events" element={<EventsPage />} />
              <Route path="events/:id" element={<EventPage />} />
            </Route>
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </DashboardClients>
    </BrowserRouter>
  );
}

function NotFound() {
  return (
    <EmptyState title="Page not found">
      <p>
        <Link to="/customers">Go to your customers</Link>
      </p>
    </EmptyState>
  );
}
