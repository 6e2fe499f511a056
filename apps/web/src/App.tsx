import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { DashboardClients } from './app/DashboardClients';
import { RequireSession } from './app/session';
import { AppShell } from './components/AppShell';
import { EmptyState } from './components/States';
import { ApiKeysPage } from './routes/api-keys/ApiKeysPage';
import { CustomerPage } from './routes/customers/CustomerPage';
import { CustomersPage } from './routes/customers/CustomersPage';
import { SignInPage } from './routes/sign-in/SignInPage';
import { SubscriptionsPage } from './routes/subscriptions/SubscriptionsPage';

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
            <Route path="subscriptions" element={<SubscriptionsPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
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
