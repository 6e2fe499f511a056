import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiKeyForm } from './components/ApiKeyForm';
import { clearApiKey, readApiKey, saveApiKey } from './lib/api-key';
import { CustomersPage } from './routes/customers/CustomersPage';

export function App() {
  const queryClient = useQueryClient();
  const [apiKey, setApiKey] = useState(readApiKey);
  // Bumped on every key change so the customers screen starts again from the first page.
  const [session, setSession] = useState(0);

  function changeApiKey(next: string | undefined) {
    if (next === undefined) clearApiKey();
    else saveApiKey(next);
    // Another key may mean another account: nothing cached for the old one may show.
    queryClient.clear();
    setApiKey(next);
    setSession((n) => n + 1);
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">PeasSwap</span>
        <span className="badge">Test mode</span>
      </header>
      <main className="content">
        <h1>Customers</h1>
        <ApiKeyForm
          apiKey={apiKey}
          onSave={(key) => changeApiKey(key)}
          onClear={() => changeApiKey(undefined)}
        />
        {apiKey === undefined ? (
          <p className="hint">Paste a test API key above to see your customers.</p>
        ) : (
          <CustomersPage key={session} />
        )}
      </main>
    </div>
  );
}
